namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// Failed worker-authentication limiter, exactly docs/protocol.md#auth-rate-limit: three failures, each within 250 ms of the
/// previous one, block a client identity for 250 ms after the third. Thread-safe; time only from
/// <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// Unlike upstream (whose map only loses an entry when that same identity checks in again), stale entries
/// are swept (at most once per window) when a failure is recorded and the map has grown past
/// <see cref="SweepThreshold"/>, so
/// rotating <c>X-Forwarded-For</c> values cannot grow memory without bound: every surviving entry has
/// failed or is blocked within the last 250 ms.
/// </remarks>
internal sealed class AuthRateLimiter(TimeProvider time)
{
    /// <summary>Failures that trigger a block.</summary>
    public const int Threshold = 3;

    /// <summary>The failure window and the block length.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);

    /// <summary>Entry count above which recording a failure also evicts stale entries.</summary>
    public const int SweepThreshold = 1024;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    /// <summary>Number of identities currently tracked (for tests and diagnostics).</summary>
    public int TrackedCount
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>True when <paramref name="identity"/> is blocked now. Does not count as a failure or extend a block.</summary>
    public bool IsBlocked(string identity)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_entries.TryGetValue(identity, out var entry))
            {
                return false;
            }

            if (entry.BlockedUntil is { } until && until > now)
            {
                return true;
            }

            if (now - entry.LastFailure > Window)
            {
                _entries.Remove(identity);
            }

            return false;
        }
    }

    /// <summary>Records one failed attempt by <paramref name="identity"/>.</summary>
    public void RecordFailure(string identity)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            // At most one O(n) sweep per window, so a flood of identities costs amortised O(1) per failure.
            if (_entries.Count >= SweepThreshold && now - _lastSweep > Window)
            {
                _lastSweep = now;
                EvictStale(now);
            }

            var entry = _entries.GetValueOrDefault(identity);
            var blockExpired = entry.BlockedUntil is { } until && until <= now;
            var count = entry.Count == 0 || blockExpired || now - entry.LastFailure > Window ? 1 : entry.Count + 1;
            _entries[identity] = new Entry(count, now, count >= Threshold ? now + Window : entry.BlockedUntilIfActive(now));
        }
    }

    /// <summary>Forgets <paramref name="identity"/> after a successful authentication.</summary>
    public void RecordSuccess(string identity)
    {
        lock (_gate)
        {
            _entries.Remove(identity);
        }
    }

    /// <summary>Removes every entry that is neither blocked nor within the failure window.</summary>
    public void EvictStale(DateTimeOffset now)
    {
        lock (_gate)
        {
            foreach (var (identity, entry) in _entries)
            {
                if (entry.BlockedUntilIfActive(now) is null && now - entry.LastFailure > Window)
                {
                    _entries.Remove(identity);
                }
            }
        }
    }

    private readonly record struct Entry(int Count, DateTimeOffset LastFailure, DateTimeOffset? BlockedUntil)
    {
        public DateTimeOffset? BlockedUntilIfActive(DateTimeOffset now) => BlockedUntil is { } u && u > now ? u : null;
    }
}
