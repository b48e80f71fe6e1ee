using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Diagnostics;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Admin;

/// <summary>Log lines of <see cref="CredentialGuard"/> (RxRelay additions; upstream logs none).</summary>
// CA1873: these wrappers escape values before the level check; LogValue.Of returns a clean value as is
// (one scan, no allocation), and the costly lines check IsEnabled themselves.
#pragma warning disable CA1873
internal static partial class CredentialLog
{
    public static void Failed(ILogger logger, string surface, string clientIdentity, int suppressed) =>
        FailedLine(logger, surface, LogValue.Of(clientIdentity), suppressed, FailureLogThrottle.Window.TotalSeconds);

    public static void RateLimited(ILogger logger, string surface, string clientIdentity, int suppressed) =>
        RateLimitedLine(logger, surface, LogValue.Of(clientIdentity), suppressed, FailureLogThrottle.Window.TotalSeconds);

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning,
        Message = "{Surface} authentication failed client={ClientIdentity} suppressed={Suppressed} (failures of this client not logged in the previous {WindowSecs}s window)")]
    private static partial void FailedLine(ILogger logger, string surface, string clientIdentity, int suppressed, double windowSecs);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning,
        Message = "{Surface} authentication rate limited client={ClientIdentity} suppressed={Suppressed} (failures of this client not logged in the previous {WindowSecs}s window)")]
    private static partial void RateLimitedLine(ILogger logger, string surface, string clientIdentity, int suppressed, double windowSecs);
}
