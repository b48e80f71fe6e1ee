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
    /// A session still connecting has nothing to drain: it will close with 1000 the moment it opens
    /// (without registering), and this waits for that end.
    /// </summary>
    public async Task ShutdownAsync(TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        if (StopBeforeServing() || Volatile.Read(ref _phase) != Serving)
        {
            await _ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        _logger.ShuttingDown(_relay.InFlight, drainTimeout.TotalSeconds);
        _relay.BeginDraining();
        await _outbound.SendAsync(new ModelsUpdate([], (uint)Math.Max(0, _relay.InFlight)), cancellationToken).ConfigureAwait(false);
        await _relay.DrainAsync(drainTimeout, cancellationToken).ConfigureAwait(false);
        await _link.CloseAsync(WebSocketCloseStatus.NormalClosure, "worker shutting down", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks a session that is still connecting to close as soon as it opens; false once it serves.</summary>
    public bool StopBeforeServing()
        => Interlocked.CompareExchange(ref _phase, StopRequested, Connecting) == Connecting;

    /// <summary>Ends everything the session owns: queued frames are cancelled, backend calls aborted, the socket dropped.</summary>
    public void Dispose()
    {
        _ended.TrySetResult();
        _metrics?.RecordConnected(false);
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
