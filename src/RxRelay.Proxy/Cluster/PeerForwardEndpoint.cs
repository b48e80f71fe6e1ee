using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Hosting;
using RxRelay.Proxy.Http;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// <c>POST /peer/v1/forward</c> on the peer listener: runs a request another replica forwarded at once on a
/// local worker (<see cref="Dispatcher.TrySubmitNow"/>), or refuses it before any byte of an answer with a
/// marked 503 (<see cref="PeerProtocol.RefusalHeader"/>). A forwarded request is never queued here and never
/// forwarded again. Response headers are sent only when the worker's first event arrives; from then on the
/// answer is written exactly as to a client, by the same writers.
/// </summary>
internal sealed partial class PeerForwardEndpoint(
    Dispatcher dispatcher,
    InferenceEndpoint inference,
    ProxyOptions options,
    ShutdownState shutdown,
    TimeProvider time,
    ILogger<PeerForwardEndpoint> logger)
{
    /// <summary>Handles one forward; the listener has already checked the method and path.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        if (!PeerProtocol.SecretMatches(options.Cluster.PeerSecret, context.Request.Headers[PeerProtocol.SecretHeader]))
        {
            PeerLog.Unauthorized(logger, context.Connection.RemoteIpAddress);
            Refuse(context, StatusCodes.Status401Unauthorized, PeerRefusal.Unauthorized);
            return;
        }

        if (await ReadEnvelopeAsync(context) is not { } envelope)
        {
            return;
        }

        if (shutdown.IsDraining)
        {
            await RefuseUnavailableAsync(context, envelope.RequestId, PeerRefusal.NoCapacity, PlainTextResponses.ShuttingDown);
            return;
        }

        var outcome = dispatcher.TrySubmitNow(envelope.ToSubmitRequest(), context.RequestAborted);
        if (outcome.Handle is not { } handle)
        {
            await RefuseUnavailableAsync(context, envelope.RequestId, PeerRefusal.NoCapacity, outcome.Rejection!.Message);
            return;
        }

        PeerLog.Running(logger, envelope.RequestId, handle.RequestId);
        using var deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        if (envelope.DeadlineMs is { } ms)
        {
            deadline.CancelAfter(TimeSpan.FromMilliseconds(ms));
        }

        await RelayAsync(context, envelope.RequestId, handle, deadline.Token);
    }

    /// <summary>The envelope, or null after answering 400 (invalid) / 413 (too large), or when the caller left mid-body.</summary>
    private async Task<PeerEnvelope?> ReadEnvelopeAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = PeerEnvelope.MaxBytes;
        }

        PeerEnvelope? envelope;
        try
        {
            envelope = await JsonSerializer.DeserializeAsync(context.Request.Body, PeerJson.Default.PeerEnvelope, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            PeerLog.BadEnvelope(logger, ex.Message);
            Refuse(context, StatusCodes.Status400BadRequest, PeerRefusal.BadRequest);
            return null;
        }
        catch (BadHttpRequestException ex)
        {
            PeerLog.BadEnvelope(logger, ex.Message);
            Refuse(context, ex.StatusCode, PeerRefusal.BadRequest);
            return null;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return null; // the forwarding replica went away mid-body; nothing was submitted
        }

        var problem = envelope is null ? "empty envelope" : envelope.Problem();
        if (problem is not null)
        {
            PeerLog.BadEnvelope(logger, problem);
            Refuse(context, StatusCodes.Status400BadRequest, PeerRefusal.BadRequest);
            return null;
        }

        return envelope;
    }

    /// <summary>Waits for the first event, then answers as to a client; refusals only before any byte.</summary>
    private async Task RelayAsync(HttpContext context, string requestId, RequestHandle handle, CancellationToken deadline)
    {
        switch (await WaitForFirstEventAsync(context, handle, deadline))
        {
            case RequestEvent.Completed completed:
                await WorkerResponseWriter.WriteAsync(context, completed.Response);
                break;
            case RequestEvent.Chunk chunk:
                context.Response.Headers[PeerProtocol.AnswerHeader] = PeerProtocol.StreamAnswer;
                await inference.StreamAsync(context, handle, chunk, observation: null);
                break;
            case RequestEvent.Failed failed:
                // Before any byte every failure means the worker it ran on is gone (lost, ejected, drained):
                // the attempt is used up, and the forwarding replica decides whether to requeue.
                await RefuseUnavailableAsync(context, requestId, PeerRefusal.WorkerLost, failed.Failure.Message);
                break;
            default:
                break; // answered already, or nobody is listening
        }
    }

    /// <summary>
    /// The first event, or null after handling the caller leaving (cancel <c>client_disconnect</c>), the
    /// forwarded deadline (408 as a client would get, cancel <c>timeout</c>) or the end of a shutdown drain
    /// (<c>worker-lost</c>, cancel <c>server_shutdown</c>).
    /// </summary>
    private async Task<RequestEvent?> WaitForFirstEventAsync(HttpContext context, RequestHandle handle, CancellationToken deadline)
    {
        var aborted = context.RequestAborted;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, deadline, shutdown.Expired);
        try
        {
            if (await handle.Events.WaitToReadAsync(linked.Token) && handle.Events.TryRead(out var first))
            {
                return first;
            }

            await RefuseUnavailableAsync(context, handle.RequestId, PeerRefusal.WorkerLost, "stream ended without a result");
            return null;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            dispatcher.Cancel(handle.RequestId, CancelReason.ClientDisconnect);
            return null;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            dispatcher.Cancel(handle.RequestId, CancelReason.Timeout);
            PlainTextResponses.Empty(context, StatusCodes.Status408RequestTimeout);
            return null;
        }
        catch (OperationCanceledException)
        {
            dispatcher.Cancel(handle.RequestId, CancelReason.ServerShutdown);
            await RefuseUnavailableAsync(context, handle.RequestId, PeerRefusal.WorkerLost, PlainTextResponses.ShuttingDown);
            return null;
        }
    }

    /// <summary>503 with the refusal header and the failure text (docs/protocol.md#http-failures framing).</summary>
    private Task RefuseUnavailableAsync(HttpContext context, string requestId, PeerRefusal refusal, string message)
    {
        var text = PeerProtocol.Text(refusal);
        PeerLog.Refused(logger, requestId, text);
        context.Response.Headers[PeerProtocol.RefusalHeader] = text;
        return PlainTextResponses.WriteUnavailableAsync(context, message);
    }

    /// <summary>A refusal with no body.</summary>
    private static void Refuse(HttpContext context, int status, PeerRefusal refusal)
    {
        context.Response.Headers[PeerProtocol.RefusalHeader] = PeerProtocol.Text(refusal);
        PlainTextResponses.Empty(context, status);
    }
}
