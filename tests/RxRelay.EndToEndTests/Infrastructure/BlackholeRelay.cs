using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// A TCP relay between worker and proxy that can fail the way a NAT or load balancer does when it
/// forgets a flow: <see cref="Blackhole"/> makes every open connection silently swallow bytes in both
/// directions, with no FIN and no RST to either side. Connections opened while blackholed are accepted
/// and swallowed too (the SYN gets through, nothing after). <see cref="Restore"/> lets new connections
/// through again; the forgotten ones stay dead, as they would behind a real NAT.
/// </summary>
internal sealed class BlackholeRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<RelayedConnection> _connections = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private volatile bool _blackholed;
    private Task _acceptLoop = Task.CompletedTask;

    public BlackholeRelay(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
    }

    /// <summary>Where the worker dials instead of the proxy.</summary>
    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public IReadOnlyList<RelayedConnection> Connections
    {
        get
        {
            lock (_connections)
            {
                return [.. _connections];
            }
        }
    }

    /// <summary>Time since the relay started, the clock of <see cref="RelayedConnection"/> timestamps.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public void Start()
    {
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>From now on every open connection forwards nothing, and closes nothing.</summary>
    public TimeSpan Blackhole()
    {
        _blackholed = true;
        foreach (var connection in Connections)
        {
            connection.Forget();
        }

        return Now;
    }

    /// <summary>New connections forward again; forgotten ones stay forgotten.</summary>
    public void Restore() => _blackholed = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var connection in Connections)
        {
            connection.Dispose();
        }

        await _acceptLoop.WaitAsync(Bounds.Prompt).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient downstream;
            try
            {
                downstream = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = new RelayedConnection(downstream, _clock, _stop.Token);
            lock (_connections)
            {
                _connections.Add(connection);
            }

            if (_blackholed)
            {
                connection.Forget();
            }

            _ = connection.RunAsync(_target);
        }
    }
}
