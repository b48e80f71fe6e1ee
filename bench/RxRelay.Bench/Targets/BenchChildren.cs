namespace RxRelay.Bench.Targets;

/// <summary>How the bench starts its children: plain output, the recent lines kept for error messages.</summary>
internal static class BenchChildren
{
    private const int KeptLines = 40;

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="args"/></c>, with <paramref name="environment"/> added to the inherited environment.</summary>
    public static ChildProcess Start(string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        // No colour codes in captured output; no first-run banner noise.
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal) { ["DOTNET_NOLOGO"] = "1", ["NO_COLOR"] = "1" };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            variables[key] = value;
        }

        return ChildProcess.Start(name, dll, args, new ChildProcessOptions { Environment = variables, KeptLines = KeptLines });
    }
}
