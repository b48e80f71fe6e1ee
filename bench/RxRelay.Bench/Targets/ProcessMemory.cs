using System.Globalization;

namespace RxRelay.Bench.Targets;

/// <summary>
/// Resident memory of a child, from <c>/proc/&lt;pid&gt;/status</c> (Linux): <c>VmRSS</c> now and
/// <c>VmHWM</c>, the peak. Writing <c>5</c> to <c>/proc/&lt;pid&gt;/clear_refs</c> resets the peak, which
/// gives a peak per cell rather than since start.
/// </summary>
internal static class ProcessMemory
{
    /// <summary>Current resident set in bytes, or null when unreadable (not Linux, process gone).</summary>
    public static long? Rss(int pid) => ReadKb(pid, "VmRSS:") * 1024;

    /// <summary>Peak resident set in bytes since start or since the last <see cref="TryResetPeak"/>.</summary>
    public static long? PeakRss(int pid) => ReadKb(pid, "VmHWM:") * 1024;

    /// <summary>Resets the peak to the current RSS; false when the kernel refuses (then peaks are since start).</summary>
    public static bool TryResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long? ReadKb(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    // "VmHWM:     123456 kB"
                    var digits = line[key.Length..].Trim().Split(' ')[0];
                    return long.Parse(digits, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }
}
