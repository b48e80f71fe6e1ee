using System.Net.WebSockets;
using RxRelay.Protocol;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.WorkerSockets;

internal sealed partial class WorkerSocketSession
{
    /// <summary>
    /// The socket's only reader: one frame at a time, in order, each awaited through the dispatcher so a
    /// violation stops reading at once. Ends on close, EOF, read error or violation.
    /// </summary>
    private async Task ReadLoopAsync(
        string workerId, WorkerFrameReader frameReader, WorkerHeartbeat heartbeat, WorkerSocketOutbox outbox, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var frame = await frameReader.ReadAsync(cancellationToken);
                heartbeat.OnReceived(); // any inbound frame proves the worker alive (reference 3.1)
                if (frame.Type == WebSocketMessageType.Close || !await HandleFrameAsync(workerId, frame))
                {
                    return;
                }
            }
        }
        catch (WorkerFrameTooBigException ex)
        {
            await TooBigAsync(outbox, ex.Message);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            WorkerSocketLog.ReadFailed(logger, workerId, ex.Message);
        }
    }

    /// <summary>Applies one frame; false when it was a protocol violation (the core has closed the worker 1002).</summary>
    private async Task<bool> HandleFrameAsync(string workerId, WorkerFrame frame)
    {
        if (frame.Type != WebSocketMessageType.Text)
        {
            return await ViolationAsync(workerId, "binary frame");
        }

        var decoded = ProtocolCodec.DecodeWorkerMessage(frame.Payload.Span);
        if (decoded.Error is { } error)
        {
            return await ViolationAsync(workerId, error.ToString());
        }

        var verdict = decoded.Message switch
        {
            ModelsUpdate update => await dispatcher.OnModelsUpdateAsync(workerId, CapModels(workerId, update), CancellationToken.None),
            Pong pong => await dispatcher.OnPongAsync(workerId, pong, CancellationToken.None),
            ResponseChunk chunk => await dispatcher.OnChunkAsync(workerId, chunk, CancellationToken.None),
            ResponseComplete complete => await dispatcher.OnCompleteAsync(workerId, complete, CancellationToken.None),
            _ => (FrameVerdict?)null, // a second register, or error: both violations upstream
        };
        if (verdict is null)
        {
            return await ViolationAsync(workerId, $"unexpected '{decoded.Message!.Type}' after registration");
        }

        if (verdict == FrameVerdict.ProtocolViolation)
        {
            WorkerSocketLog.ProtocolViolation(logger, workerId, $"'{decoded.Message!.Type}' for a request this worker does not own");
            return false;
        }

        return true;
    }

    private ModelsUpdate CapModels(string workerId, ModelsUpdate update)
    {
        var (models, advertised) = CapModels(update.Models);
        if (models.Count < advertised)
        {
            WorkerSocketLog.ModelsCapped(logger, workerId, advertised, WorkerSocketLimits.MaxModelsPerWorker);
        }

        return update with { Models = models };
    }

    private async Task<bool> ViolationAsync(string workerId, string detail)
    {
        WorkerSocketLog.ProtocolViolation(logger, workerId, detail);
        await dispatcher.OnProtocolViolationAsync(workerId, CancellationToken.None);
        return false;
    }
}
