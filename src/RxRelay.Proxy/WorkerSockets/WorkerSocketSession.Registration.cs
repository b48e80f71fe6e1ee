using System.Net.WebSockets;
using RxRelay.Protocol;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.WorkerSockets;

internal sealed partial class WorkerSocketSession
{
    /// <summary>
    /// Waits for the first frame, which must be a valid <c>register</c> whose version is absent or
    /// exactly <see cref="ProtocolVersion.Current"/>. Anything else, or nothing within
    /// <see cref="Configuration.ProxyOptions.RegistrationTimeout"/> (upstream waits forever,
    /// docs/differences-from-upstream.md#proxy-registration-timeout), closes the socket 1002 and returns null.
    /// </summary>
    private async Task<Register?> ReadRegistrationAsync(WorkerFrameReader frameReader, CancellationToken cancellationToken)
    {
        // Created before the first await, so the deadline is armed when RunAsync first yields.
        using var deadlineCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(_options.RegistrationTimeout, _time, deadlineCts.Token);
        var firstFrame = frameReader.ReadAsync(cancellationToken);
        if (await Task.WhenAny(firstFrame, deadline) != firstFrame)
        {
            WorkerSocketLog.RegistrationTimedOut(_logger, _provider, _options.RegistrationTimeout.TotalSeconds);
            DisposeWhenDone(firstFrame, frameReader);
            await CloseQuietlyAsync(WorkerCloseReasons.ProtocolErrorCode, WorkerCloseReasons.ProtocolError);
            return null;
        }

        await deadlineCts.CancelAsync();
        var register = TryReadRegister(firstFrame);
        if (register is null)
        {
            frameReader.Dispose();
            if (firstFrame.Exception?.InnerException is WorkerFrameTooBigException tooBig)
            {
                WorkerSocketLog.TooBig(_logger, tooBig.Message, null, _provider);
                await CloseQuietlyAsync(WorkerSocketLimits.TooBigCode, tooBig.Message);
            }
            else
            {
                await CloseQuietlyAsync(WorkerCloseReasons.ProtocolErrorCode, WorkerCloseReasons.ProtocolError);
            }
        }

        return register;
    }

    private Register? TryReadRegister(Task<WorkerFrame> firstFrame)
    {
        if (firstFrame.Status != TaskStatus.RanToCompletion || firstFrame.Result.Type != WebSocketMessageType.Text)
        {
            // Observed: a failed socket simply gets the same 1002 attempt; an oversized one is closed 1009 by the caller.
            if (firstFrame.Exception?.InnerException is not WorkerFrameTooBigException)
            {
                WorkerSocketLog.RegistrationRejected(_logger, _provider, "first frame was not a text frame");
            }

            return null;
        }

        var decoded = ProtocolCodec.DecodeWorkerMessage(firstFrame.Result.Payload.Span);
        var problem = decoded switch
        {
            { Error: { } error } => error.ToString(),
            { Message: not Register } => $"first message was '{decoded.Message!.Type}', not 'register'",
            { Message: Register { ProtocolVersion: { } v } } when v != ProtocolVersion.Current => $"unsupported protocol_version '{v}'",
            _ => null,
        };
        if (problem is not null)
        {
            WorkerSocketLog.RegistrationRejected(_logger, _provider, problem);
            return null;
        }

        return (Register)decoded.Message!;
    }

    /// <summary>Sends a close frame if the socket can still take one; failures mean the peer is gone anyway.</summary>
    private async Task CloseQuietlyAsync(ushort code, string reason)
    {
        _metrics?.WorkerSession(code == WorkerSocketLimits.TooBigCode ? Monitoring.WorkerSessionEvent.TooBig : Monitoring.WorkerSessionEvent.ProtocolError);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // The peer went away first; there is nobody left to tell.
        }
    }
}
