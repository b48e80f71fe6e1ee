using Microsoft.Extensions.Logging;

namespace RxRelay.Proxy.Database;

/// <summary>
/// Whether the database answers, as the last operation found it. An outage is logged once when it
/// starts and once when it ends, never per request; while it lasts, <see cref="ShouldTry"/> lets one
/// caller per retry interval try the database and tells the rest to fail at once, so requests with
/// unknown keys get their 500 without waiting for a connect timeout each.
/// </summary>
internal sealed class DatabaseHealth(RelayDatabase database, TimeSpan retryInterval, TimeProvider time, ILogger<DatabaseHealth> logger)
{
    private readonly Lock _gate = new();
    private bool _down;
    private long _downSince;
    private long _lastAttempt;

    /// <summary>True between a failure and the next success.</summary>
    public bool IsDown
    {
        get
        {
            lock (_gate)
            {
                return _down;
            }
        }
    }

    /// <summary>True when the caller should try the database now (always, unless it is down and another caller tried within the retry interval).</summary>
    public bool ShouldTry()
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (!_down || time.GetElapsedTime(_lastAttempt, now) >= retryInterval)
            {
                _lastAttempt = now;
                return true;
            }

            return false;
        }
    }

    /// <summary>An operation reached the database.</summary>
    public void Succeeded()
    {
        long since;
        lock (_gate)
        {
            if (!_down)
            {
                return;
            }

            _down = false;
            since = _downSince;
        }

        var seconds = time.GetElapsedTime(since).TotalSeconds;
        DatabaseLog.Recovered(logger, database.Description, seconds);
    }

    /// <summary>An operation failed to reach the database (<see cref="DatabaseErrors.IsUnavailable"/>).</summary>
    public void Failed(Exception error)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            _lastAttempt = now;
            if (_down)
            {
                return;
            }

            _down = true;
            _downSince = now;
        }

        database.DropPooledConnections();
        var cause = database.Cause(error);
        DatabaseLog.Unreachable(logger, database.Description, cause);
    }
}
