using System.Net.WebSockets;
using RxRelay.Protocol;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.WorkerSockets;

internal sealed partial class WorkerSocketSession
{
    /// <summary>
    /// The socket's only reader: one frame at a time, in order, each applied through the dispatcher before the next is read, so a
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
                heartbeat.OnReceived(); // any inbound frame proves the worker alive (docs/protocol.md#heartbeat)
                if (frame.Type == WebSocketMessageType.Close || !HandleFrame(workerId, frame))
                {
                    return;
                }
            }
        }
        catch (WorkerFrameTooBigException ex)
        {
            TooBig(outbox, ex.Message);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            WorkerSocketLog.ReadFailed(_logger, workerId, ex.Message);
        }
    }

    /// <summary>Applies one frame; false when it was a protocol violation (the core has closed the worker 1002).</summary>
    private bool HandleFrame(string workerId, WorkerFrame frame)
    {
        if (frame.Type != WebSocketMessageType.Text)
        {
            return Violation(workerId, "binary frame");
        }

        var decoded = ProtocolCodec.DecodeWorkerMessage(frame.Payload.Span);
        if (decoded.Error is { } error)
        {
            return Violation(workerId, error.ToString());
        }

        var verdict = decoded.Message switch
        {
            ModelsUpdate update => _dispatcher.OnModelsUpdate(workerId, update),
            Pong pong => _dispatcher.OnPong(workerId, pong),
            ResponseChunk chunk => _dispatcher.OnChunk(workerId, chunk),
            ResponseComplete complete => _dispatcher.OnComplete(workerId, complete),
            _ => (FrameVerdict?)null, // a second register, or error: both violations upstream
        };
        if (verdict is null)
        {
            return Violation(workerId, $"unexpected '{decoded.Message!.Type}' after registration");
        }

        if (verdict == FrameVerdict.ProtocolViolation)
        {
            WorkerSocketLog.ProtocolViolation(_logger, workerId, $"'{decoded.Message!.Type}' for a request this worker does not own");
            return false;
        }

        return true;
    }

    private bool Violation(string workerId, string detail)
    {
        WorkerSocketLog.ProtocolViolation(_logger, workerId, detail);
        _dispatcher.OnProtocolViolation(workerId);
        return false;
    }
}
