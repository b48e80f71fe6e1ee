namespace RxRelay.Testing.Processes;

/// <summary>How a <see cref="ChildProcess"/> is started and what of its output is kept.</summary>
public sealed record ChildProcessOptions
{
    /// <summary>
    /// Environment changes on top of the inherited environment: a value sets the variable, <c>null</c>
    /// removes it (so that, say, a developer's shell cannot configure a program under test).
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>A file that receives every output line as printed; <c>null</c> writes none.</summary>
    public string? LogFile { get; init; }

    /// <summary>How many of the latest lines <see cref="ChildProcess.Lines"/> keeps; <c>null</c> keeps all.</summary>
    public int? KeptLines { get; init; }
}
