using Microsoft.Extensions.Logging;

namespace RxRelay.Proxy.ApiKeys;

/// <summary>The key stores' log lines; the first two and <see cref="OperationFailed"/> are upstream's.</summary>
internal static partial class ApiKeyLog
{
    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "api key store: postgres-backed database={Database}")]
    public static partial void PostgresBacked(ILogger logger, string database);

    [LoggerMessage(EventId = 611, Level = LogLevel.Warning,
        Message = "DATABASE_URL not set — using in-memory API key store (single-pod only, keys lost on restart)")]
    public static partial void InMemory(ILogger logger);

    [LoggerMessage(EventId = 612, Level = LogLevel.Error, Message = "{Operation} failed: {Cause}")]
    public static partial void OperationFailed(ILogger logger, string operation, string cause);

    [LoggerMessage(EventId = 613, Level = LogLevel.Debug, Message = "listening for key changes on {Database} channel={Channel}")]
    public static partial void Listening(ILogger logger, string database, string channel);

    [LoggerMessage(EventId = 614, Level = LogLevel.Warning, Message = "unreadable key change notification; cache cleared")]
    public static partial void UnreadableNotification(ILogger logger);
}
