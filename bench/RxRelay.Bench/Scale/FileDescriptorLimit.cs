namespace RxRelay.Bench.Scale;

/// <summary>The open-file limit children inherit from this process, from <c>/proc/self/limits</c>.</summary>
internal static class FileDescriptorLimit
{
    /// <summary>The soft limit, or null when unreadable.</summary>
    public static long? Soft()
    {
        const string path = "/proc/self/limits";
        var line = File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal)) : null;
        var fields = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: > 0 } && long.TryParse(fields[0], System.Globalization.CultureInfo.InvariantCulture, out var soft) ? soft : null;
    }

    public static string Describe() => Soft()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";

    /// <summary>An error text when <paramref name="workers"/> sockets (plus headroom) would not fit, else null.</summary>
    public static string? CheckRoomFor(int workers)
    {
        const int headroom = 512; // runtime, HTTP client, pipes, the proxy's own listener and log files
        return Soft() is { } soft && soft < workers + headroom
            ? $"open-file limit {soft} is too low for {workers} idle workers (one socket each, in this process and in the proxy); raise it, e.g. `ulimit -n {workers * 2 + headroom}`, and run again"
            : null;
    }
}
