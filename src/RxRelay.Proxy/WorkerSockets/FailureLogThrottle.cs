namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// Bounds log lines about failed authentication: at most one line per caller key per <see cref="Window"/>,
/// which carries how many failures of that key were not logged since its previous line. A caller guessing
/// thousands of times a second thus writes one line per window, not one per guess. Thread-safe; time only
/// from <see cref="TimeProvider"/>; memory bounded by <see cref="MaxTracked"/> keys.
/// </summary>
internal sealed class FailureLogThrottle(TimeProvider time)
{
    /// <summary>Length of a key's logging window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>Most keys tracked; past it, failures of untracked keys share the <see cref="OverflowKey"/> entry.</summary>
    public const int MaxTracked = 4096;

    /// <summary>The shared entry of keys that found the table full.</summary>
    public const string OverflowKey = "(other clients)";

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>
    /// Counts one failure of <paramref name="key"/>. Returns true when it should be logged, with
    /// <paramref name="suppressed"/> failures of this key left unlogged since its previous line; false when
    /// the key already had its line in the current window. <paramref name="logKey"/> is the key to name in the
    /// line (<see cref="OverflowKey"/> when the table was full).
    /// </summary>
    public bool ShouldLog(string key, out string logKey, out int suppressed)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            logKey = key;
            if (!_entries.ContainsKey(key) && _entries.Count >= MaxTracked)
            {
                Sweep(now);
                if (_entries.Count >= MaxTracked)
                {
                    logKey = OverflowKey;
                }
            }

            if (_entries.TryGetValue(logKey, out var entry) && now - entry.WindowStart < Window)
            {
                _entries[logKey] = entry with { Suppressed = entry.Suppressed + 1 };
                suppressed = 0;
                return false;
            }

            suppressed = entry.Suppressed;
            _entries[logKey] = new Entry(now, 0);
            return true;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            // A key whose window ended is dropped with its count: the next failure starts a fresh line.
            if (now - entry.WindowStart >= Window && key != OverflowKey)
            {
                _entries.Remove(key);
            }
        }
    }

    private readonly record struct Entry(DateTimeOffset WindowStart, int Suppressed);
}
