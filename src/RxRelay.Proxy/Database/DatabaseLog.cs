using Microsoft.Extensions.Logging;

namespace RxRelay.Proxy.Database;

/// <summary>The database's log lines (docs/differences-from-upstream.md#proxy-database-outage-log).</summary>
internal static partial class DatabaseLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Warning,
        Message = "database {Database} unreachable: {Cause}; cached API keys keep working, unknown keys get 500 until it is back")]
    public static partial void Unreachable(ILogger logger, string database, string cause);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "database {Database} reachable again after {Seconds:0.0}s")]
    public static partial void Recovered(ILogger logger, string database, double seconds);

    [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "database {Database} migrated: {Detail}")]
    public static partial void Migrated(ILogger logger, string database, string detail);
}
