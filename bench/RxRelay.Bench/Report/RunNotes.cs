namespace RxRelay.Bench.Report;

/// <summary>
/// A run's notes, printed under its tables and written to its results file, and whether one of them failed the run
/// (exit code 1). One per run: the load cells, the cluster cell and the streams cell keep them alike.
/// </summary>
internal sealed class RunNotes
{
    private readonly List<string> _all = [];

    /// <summary>Every note, in the order they were made.</summary>
    public IReadOnlyList<string> All => _all;

    /// <summary>True once a note failed the run.</summary>
    public bool Failed { get; private set; }

    /// <summary>A note that leaves the outcome as it is.</summary>
    public void Add(string note) => _all.Add(note);

    /// <summary>A note that fails the run.</summary>
    public void Fail(string note)
    {
        Failed = true;
        _all.Add(note);
    }
}
