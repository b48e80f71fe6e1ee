using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using RxRelay.Protocol;
using RxRelay.Protocol.Messages;

namespace RxRelay.Worker.Connection;

/// <summary>What the session does with each inbound frame.</summary>
internal sealed partial class WorkerSession
{
    // Runs on the transport's receive loop, so nothing here blocks: the relay starts a request's backend
    // call up to its first await and returns, and every reply goes through the ordered outbound queue.
    private void Handle(LinkEvent linkEvent)
    {
        switch (linkEvent)
        {
            case LinkEvent.Message { IsText: true } message:
                Dispatch(Decode(message.Utf8));
                break;
            case LinkEvent.Closed closed:
                OnClosed(closed);
                break;
        }
    }

    // Upstream ends the session on a frame it cannot parse (docs/protocol.md#versions); throwing inside Do fails the stream.
    private static ProxyMessage Decode(byte[] utf8)
    {
        var result = ProtocolCodec.DecodeProxyMessage(utf8);
        return result.Message ?? throw new InvalidDataException($"unreadable frame from proxy: {result.Error}");
    }

    private void Dispatch(ProxyMessage message)
    {
        switch (message)
        {
            case RegisterAck ack:
                OnRegisterAck(ack);
                break;
            case Ping ping:
                _outbound.Post(new Pong((uint)Math.Max(0, _relay.InFlight), ping.TimestampUnixMs));
                break;
            case GracefulShutdown shutdown:
                _gracefulShutdownReceived = true;
                _logger.GracefulShutdownReceived(shutdown.Reason ?? string.Empty);
                _relay.BeginDraining();
                break;
            case WorkerRequest request:
                _relay.Start(request);
                break;
            case CancelRequest cancel:
                _relay.Cancel(cancel);
                break;
            case ModelsRefresh refresh:
                _relay.RefreshModels(refresh);
                break;
        }
    }

    private void OnRegisterAck(RegisterAck ack)
    {
        _logger.RegisterAcknowledged(ack.WorkerId);
        foreach (var warning in ack.Warnings)
            _logger.RegisterWarning(warning);
    }

    private void OnClosed(LinkEvent.Closed closed)
    {
        if (closed.Status == WebSocketCloseStatus.PolicyViolation)
            _logger.Rejected(closed.Description ?? string.Empty);
        else
            _logger.ClosedByProxy((int?)closed.Status, closed.Description ?? string.Empty);
    }
}
