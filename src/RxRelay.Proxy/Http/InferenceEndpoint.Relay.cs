using Microsoft.AspNetCore.Http;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Monitoring;

namespace RxRelay.Proxy.Http;

internal sealed partial class InferenceEndpoint
{
    /// <summary>Waits for the first event and answers accordingly: a chunk starts the SSE stream (docs/protocol.md#http-streaming).</summary>
    private async Task RelayAsync(HttpContext context, RequestHandle handle, CancellationTokenSource timeout, RequestObservation? observation)
    {
        var first = await WaitForFirstEventAsync(context, handle, observation, timeout.Token);
        if (first is RequestEvent.Completed or RequestEvent.Chunk)
        {
            MarkServedBy(context, observation);
        }

        switch (first)
        {
            case RequestEvent.Completed completed:
                var status = completed.Response.StatusCode;
                observation?.End(status is >= 200 and < 500 ? RequestOutcome.Ok : RequestOutcome.BackendError);
                observation?.FirstByte();
                await WorkerResponseWriter.WriteAsync(context, completed.Response);
                break;
            case RequestEvent.Failed failed:
                observation?.End(RequestOutcomes.Of(failed.Failure.Kind));
                await PlainTextResponses.WriteUnavailableAsync(context, failed.Failure.Message);
                break;
            case RequestEvent.Chunk chunk:
                observation?.FirstByte();
                await StreamAsync(context, handle, chunk, observation);
                break;
            default:
                break; // already answered (timeout, shutdown) or nobody is listening (client gone)
        }
    }

    /// <summary>
    /// The first event, or null after handling a client disconnect (cancel <c>client_disconnect</c>), the
    /// request timeout (408, cancel <c>timeout</c>) or the end of a shutdown drain (503).
    /// </summary>
    private async Task<RequestEvent?> WaitForFirstEventAsync(
        HttpContext context, RequestHandle handle, RequestObservation? observation, CancellationToken timeout)
    {
        var aborted = context.RequestAborted;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout, shutdown.Expired);
        try
        {
            if (await handle.Events.WaitToReadAsync(linked.Token) && handle.Events.TryRead(out var first))
            {
                return first;
            }

            observation?.End(RequestOutcome.BackendError);
            PlainTextResponses.Empty(context, StatusCodes.Status502BadGateway); // stream ended without a result
            return null;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            observation?.End(RequestOutcome.ClientDisconnect);
            Cancel(handle, CancelReason.ClientDisconnect);
            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // Upstream drops the handler and so sends client_disconnect; RxRelay names the real reason.
            observation?.End(RequestOutcome.RequestTimeout);
            Cancel(handle, CancelReason.Timeout);
            PlainTextResponses.Empty(context, StatusCodes.Status408RequestTimeout);
            return null;
        }
        catch (OperationCanceledException)
        {
            observation?.End(RequestOutcome.WorkerLost);
            Cancel(handle, CancelReason.ServerShutdown);
            await PlainTextResponses.WriteUnavailableAsync(context, PlainTextResponses.ShuttingDown);
            return null;
        }
    }

    /// <summary>
    /// Streams chunks verbatim until the completion (body ends) or a failure (SSE error event, then end).
    /// Chunks already waiting are written together and flushed once (at most <see cref="MaxUnflushedBytes"/>
    /// at a time); a chunk that arrives alone is flushed alone, so batching never delays anything.
    /// The request timeout no longer applies. The peer listener streams a forwarded request through it too. A flush that blocks longer than the stall timeout means the
    /// client stopped reading: the connection is cut and the request cancelled, so nothing piles up.
    /// </summary>
    internal async Task StreamAsync(HttpContext context, RequestHandle handle, RequestEvent.Chunk first, RequestObservation? observation)
    {
        SseResponseWriter.Start(context);
        var aborted = context.RequestAborted;
        using var stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var writeToken = CancellationTokenSource.CreateLinkedTokenSource(aborted, stall.Token);
        RequestEvent? next = first;
        try
        {
            while (next is not null)
            {
                var more = true;
                long unflushed = 0;
                while (next is not null && more)
                {
                    (more, var written) = WriteEvent(context, next);
                    unflushed += written;
                    if (observation is not null)
                    {
                        Observe(observation, next, written);
                    }

                    next = more && unflushed < MaxUnflushedBytes && handle.Events.TryRead(out var waiting) ? waiting : null;
                }

                if (unflushed > 0)
                {
                    stall.CancelAfter(options.ClientStallTimeout);
                    await SseResponseWriter.FlushAsync(context, writeToken.Token);
                    stall.CancelAfter(Timeout.InfiniteTimeSpan);
                }

                if (!more)
                {
                    return;
                }

                next ??= await handle.Events.WaitToReadAsync(aborted) && handle.Events.TryRead(out var e) ? e : null;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            var reason = aborted.IsCancellationRequested ? "client disconnected" : "client stopped reading";
            InferenceLog.StreamCut(logger, handle.RequestId, reason);
            observation?.End(RequestOutcome.ClientDisconnect);
            Cancel(handle, CancelReason.ClientDisconnect);
            context.Abort();
        }
    }

    /// <summary>
    /// <c>x-rxrelay-served-by</c> when <c>--served-by-header on</c> (cluster mode): the peer's replica id for a forwarded
    /// request (its observed worker is <c>peer/&lt;id&gt;</c>), else this replica's.
    /// </summary>
    private void MarkServedBy(HttpContext context, RequestObservation? observation)
    {
        if (!options.Cluster.ServedByHeader)
        {
            return;
        }

        context.Response.Headers[Cluster.PeerProtocol.ServedByHeader] =
            observation?.WorkerId is { } worker && worker.StartsWith(DispatchCore.PeerWorkerPrefix, StringComparison.Ordinal)
            ? worker[DispatchCore.PeerWorkerPrefix.Length..]
            : options.Cluster.EffectiveReplicaId;
    }

    /// <summary>Bytes written between two flushes of a stream, at most (plus one chunk).</summary>
    private const long MaxUnflushedBytes = 64 * 1024;

    /// <summary>Notes a written stream event: its bytes, and how the stream ended when it is the last.</summary>
    private static void Observe(RequestObservation observation, RequestEvent written, long bytes)
    {
        observation.Wrote(bytes);
        switch (written)
        {
            case RequestEvent.Failed failed:
                observation.End(RequestOutcomes.Of(failed.Failure.Kind));
                break;
            case RequestEvent.Completed:
                observation.End(RequestOutcome.Ok);
                break;
            default:
                break;
        }
    }

    /// <summary>Buffers one event; More is false when the stream is over.</summary>
    private static (bool More, long Written) WriteEvent(HttpContext context, RequestEvent next)
    {
        var (text, more) = next switch
        {
            RequestEvent.Chunk chunk => (chunk.Text, true),
            RequestEvent.Failed failed => (failed.Failure.SseErrorEvent, false),
            _ => (null, false), // completion: its body is not written for a started stream (upstream rule)
        };
        return (more, text is null ? 0 : SseResponseWriter.Write(context, text));
    }

    private void Cancel(RequestHandle handle, CancelReason reason)
    {
        InferenceLog.Cancelled(logger, handle.RequestId, reason.Value);
        dispatcher.Cancel(handle.RequestId, reason);
    }
}
