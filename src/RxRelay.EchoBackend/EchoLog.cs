namespace RxRelay.EchoBackend;

/// <summary>The echo backend's log lines.</summary>
internal static partial class EchoLog
{
    /// <summary>Scripts read the URL from this line, so its wording is fixed.</summary>
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "echo backend listening on {Url}")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "stream stopped early on {Path}: client disconnected or server stopping")]
    public static partial void StreamStopped(ILogger logger, PathString path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "bad request on {Path}: {Reason}")]
    public static partial void BadRequest(ILogger logger, PathString path, string reason);
}
