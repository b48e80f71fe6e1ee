using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// One worker↔proxy TCP flow through <see cref="BlackholeRelay"/>. Bytes are always read from both
/// sides (so neither side ever sees backpressure or an error) and forwarded only while the flow is
/// remembered. <see cref="WorkerClosedAt"/> records when the worker side ended its end of the flow:
/// how a test sees that the worker noticed the silence.
/// </summary>
internal sealed class RelayedConnection : IDisposable
{
    private readonly TcpClient _downstream;
    private readonly TcpClient _upstream = new();
    private readonly Stopwatch _clock;
    private readonly CancellationToken _stop;
    private readonly TaskCompletionSource<TimeSpan> _workerClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _forgotten;

    public RelayedConnection(TcpClient downstream, Stopwatch clock, CancellationToken stop)
    {
        _downstream = downstream;
        _clock = clock;
        _stop = stop;
        OpenedAt = clock.Elapsed;
    }

    public TimeSpan OpenedAt { get; }

    public bool IsForgotten => _forgotten;

    /// <summary>Completes with the relay-clock time at which the worker closed (or reset) its side.</summary>
    public Task<TimeSpan> WorkerClosedAt => _workerClosed.Task;

    public void Forget() => _forgotten = true;

    public async Task RunAsync(IPEndPoint target)
    {
        try
        {
            await _upstream.ConnectAsync(target, _stop);
            var toProxy = PumpAsync(_downstream.GetStream(), _upstream.GetStream(), workerSide: true);
            var toWorker = PumpAsync(_upstream.GetStream(), _downstream.GetStream(), workerSide: false);
            await Task.WhenAll(toProxy, toWorker);
        }
        catch (Exception error) when (error is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The proxy was down, or the relay is being disposed: the flow just ends.
        }
        finally
        {
            _workerClosed.TrySetResult(_clock.Elapsed);
            Dispose();
        }
    }

    public void Dispose()
    {
        _downstream.Dispose();
        _upstream.Dispose();
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool workerSide)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop);
                if (read == 0)
                {
                    break;
                }

                if (!_forgotten)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), _stop);
                }
            }
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A reset counts as an end, the same as a FIN.
        }

        if (workerSide)
        {
            _workerClosed.TrySetResult(_clock.Elapsed);
        }

        // A remembered flow passes the end on; a forgotten one keeps the other side waiting forever.
        if (!_forgotten)
        {
            try
            {
                to.Socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception error) when (error is SocketException or ObjectDisposedException)
            {
            }
        }
        else
        {
            await Task.Delay(Timeout.Infinite, _stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
