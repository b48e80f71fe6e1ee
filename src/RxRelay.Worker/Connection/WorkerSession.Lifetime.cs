using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Messages;

namespace RxRelay.Worker.Connection;

/// <summary>How a session stops: the host's drain, and disposal.</summary>
internal sealed partial class WorkerSession
{
    /// <summary>
    /// Host stop (SIGTERM / Ctrl-C): take no more work, tell the proxy we serve nothing, let in-flight
    /// requests finish within <paramref name="drainTimeout"/>, then close with 1000.
    /// A session that never connected has nothing to drain.
    /// </summary>
    public async Task ShutdownAsync(TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        if (!_opened)
            return;

        _logger.ShuttingDown(_relay.InFlight, drainTimeout.TotalSeconds);
        _relay.BeginDraining();
        await _outbound.SendAsync(new ModelsUpdate([], (uint)Math.Max(0, _relay.InFlight)), cancellationToken).ConfigureAwait(false);
        await _relay.DrainAsync(drainTimeout, cancellationToken).ConfigureAwait(false);
        await _link.CloseAsync(WebSocketCloseStatus.NormalClosure, "worker shutting down", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends everything the session owns: queued frames are cancelled, backend calls aborted, the socket dropped.</summary>
    public void Dispose()
    {
        _outbound.Dispose();
        _ = DisposeRelayAsync();
        _link.Dispose();
    }

    // Rx disposal is synchronous; the relay's abort runs on and reports its own failure.
    private async Task DisposeRelayAsync()
    {
        try
        {
            await _relay.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception error)
        {
            _logger.RelayDisposeFailed(error);
        }
    }
}
