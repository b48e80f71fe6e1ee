using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Diagnostics;
using RxRelay.Protocol.Messages;

namespace RxRelay.Worker.Relay;

/// <summary>
/// Ties a request's log lines to the proxy's <c>x-request-id</c>: while the scope is open, every line
/// the relay writes for the request (and its task, which inherits the scope) carries the property
/// <see cref="PropertyName"/>. The id is the client's or the proxy's own, so the same value finds the
/// request in the proxy's access log, here, and at the backend (which receives the header unchanged).
/// </summary>
internal static class RequestLogScope
{
    /// <summary>The header the proxy puts on the request frame.</summary>
    public const string HeaderName = RequestIdNames.Header;

    /// <summary>The structured property the id is logged under.</summary>
    public const string PropertyName = RequestIdNames.LogProperty;

    /// <summary>Opens the scope, or returns null when the frame carries no id (a ModelRelay proxy sends none).</summary>
    public static IDisposable? Begin(ILogger logger, WorkerRequest request)
    {
        if (RequestRelay.FindHeader(request.Headers, HeaderName) is not { Length: > 0 } id)
        {
            return null;
        }

        // A peer-chosen value, like every other in the relay's lines: escaped and cut.
        return logger.BeginScope(new Dictionary<string, object?>(1, StringComparer.Ordinal) { [PropertyName] = LogValue.Of(id) });
    }
}
