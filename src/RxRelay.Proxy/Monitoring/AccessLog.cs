using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Diagnostics;

namespace RxRelay.Proxy.Monitoring;

/// <summary>
/// The access log (category <see cref="Category"/>): one info line per finished inference request, never a
/// body. The model is what the client sent, escaped and truncated (<see cref="LogValue"/>); times are
/// milliseconds, null when the step never happened (never dispatched, no answer from a worker).
/// </summary>
// CA1873: Finished checks IsEnabled itself before computing any argument.
#pragma warning disable CA1873
internal static partial class AccessLog
{
    /// <summary>The logger category, so operators can route or silence the access log on its own.</summary>
    public const string Category = "RxRelay.Proxy.Access";

    /// <summary>Writes the line for <paramref name="request"/>.</summary>
    public static void Finished(
        ILogger logger, RequestObservation request, int status, RequestOutcome outcome,
        TimeSpan? queueWait, TimeSpan? timeToFirstByte, TimeSpan duration, long bytesOut)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        FinishedLine(
            logger, request.Id, request.Endpoint, LogValue.Of(request.Model ?? "-"), request.Stream, status, outcome.Label(),
            Milliseconds(queueWait), Milliseconds(timeToFirstByte), Milliseconds(duration)!.Value, bytesOut,
            request.WorkerId ?? "-", request.RelayId ?? "-");
    }

    private static double? Milliseconds(TimeSpan? span) => span is { } s ? Math.Round(s.TotalMilliseconds, 1) : null;

    [LoggerMessage(EventId = 210, Level = LogLevel.Information,
        Message = "request finished id={XRequestId} endpoint={Endpoint} model={Model} stream={Stream} status={Status} outcome={Outcome} queue_ms={QueueMs} ttfb_ms={TtfbMs} duration_ms={DurationMs} bytes_out={BytesOut} worker={WorkerId} relay_id={RelayId}")]
    private static partial void FinishedLine(
        ILogger logger, string xRequestId, string endpoint, string model, bool stream, int status, string outcome,
        double? queueMs, double? ttfbMs, double durationMs, long bytesOut, string workerId, string relayId);
}
