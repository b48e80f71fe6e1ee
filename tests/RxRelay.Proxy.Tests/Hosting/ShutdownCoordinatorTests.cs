using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Database;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Hosting;

namespace RxRelay.Proxy.Tests.Hosting;

/// <summary>
/// The SIGTERM sequence in virtual time. Cluster mode: <c>draining</c> at once, normal service for the drain
/// delay, then the workers' drain while requests are still accepted, until nothing is queued. Single mode: the
/// drain alone, as before.
/// </summary>
public sealed class ShutdownCoordinatorTests : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10); // real-time bound on awaiting a continuation, never reached when correct
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    private readonly ArmingTimeProvider _time = new();
    private readonly Dispatcher _dispatcher;
    private readonly ShutdownState _state = new();
    private readonly SignallingSink _worker = new();
    private ClusterDirectory? _directory;

    public ShutdownCoordinatorTests() => _dispatcher = new Dispatcher(new DispatchOptions { QueueTimeout = null }, _time);

    private static ClusterOptions ClusterOptions(TimeSpan? drainDelay = null) => new()
    {
        PeerListen = "127.0.0.1:0", PeerUrl = "http://127.0.0.1:7070", PeerSecret = "0123456789abcdef", ReplicaId = "proxy-a", DrainDelay = drainDelay,
    };

    /// <summary>A coordinator with a directory member that is never started: only its announced state is read.</summary>
    private ShutdownCoordinator CreateSut(ClusterOptions cluster)
    {
        var options = new ProxyOptions { ShutdownTimeout = ShutdownTimeout, Cluster = cluster };
        if (cluster.IsEnabled)
        {
            _directory = new ClusterDirectory(
                new RelayDatabase("Host=127.0.0.1;Port=1;Database=none;Username=none"), cluster, new DirectoryTiming(),
                () => ReplicaOffer.Empty, ImmediateScheduler.Instance, _time, NullLogger<ClusterDirectory>.Instance);
        }

        return new ShutdownCoordinator(_dispatcher, _state, options, _time, NullLogger<ShutdownCoordinator>.Instance, _directory);
    }

    private string RegisterWorker(uint max) =>
        _dispatcher.RegisterWorker("openai", new Register("box", ["llama"], max, "2026-04-bridge-v1", 0), _worker).WorkerId;

    private SubmitOutcome Submit() =>
        _dispatcher.Submit(new SubmitRequest("openai", "llama", "/v1/chat/completions", false, "{}", new Dictionary<string, string>(StringComparer.Ordinal)));

    private void Complete(string workerId, string requestId) =>
        _dispatcher.OnComplete(workerId, new ResponseComplete(requestId, 200, new Dictionary<string, string>(StringComparer.Ordinal), "ok"));

    [Fact]
    public async Task StoppingAsync_ClusterMode_DrainingAtOnceServesThroughTheDelayThenDrainsWorkersStillAcceptingRequests()
    {
        var sut = CreateSut(ClusterOptions());
        var worker = RegisterWorker(max: 2);
        Submit();

        var stopping = sut.StoppingAsync(CancellationToken.None);

        Assert.Equal(ReplicaState.Draining, _directory!.State);
        Assert.False(_state.IsDraining);
        Assert.True(Submit().IsAccepted);
        Assert.Equal(["request-1", "request-2"], _worker.RequestIds);
        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.False(_state.IsDraining);
        Assert.False(_worker.ShutdownReceived.Task.IsCompleted);

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(new GracefulShutdown("proxy server shutting down", 10), await _worker.ShutdownReceived.Task.WaitAsync(Bound));
        Assert.False(_state.IsDraining); // still accepted: queued, then forwarded to a peer
        Complete(worker, "request-1");
        Assert.False(stopping.IsCompleted);
        Complete(worker, "request-2");

        await stopping.WaitAsync(Bound);
        Assert.Equal([(1000, "graceful shutdown complete")], _worker.Closes);
        Assert.False(_state.Expired.IsCancellationRequested); // nothing waits: no 503 for anyone
    }

    [Fact]
    public async Task StoppingAsync_ClusterMode_WaitsForAQueuedRequestAfterTheWorkersLeft()
    {
        var sut = CreateSut(ClusterOptions(TimeSpan.Zero));
        var worker = RegisterWorker(max: 1);
        Submit();
        Submit();

        var stopping = sut.StoppingAsync(CancellationToken.None);
        await _worker.ShutdownReceived.Task.WaitAsync(Bound);
        Complete(worker, "request-1");

        Assert.True(_dispatcher.Drained.IsCompleted);
        Assert.False(stopping.IsCompleted);
        Assert.False(_state.Expired.IsCancellationRequested);
        Assert.True(_dispatcher.Cancel("request-2", CancelReason.ClientDisconnect)); // its client left (or a peer took it)
        await stopping.WaitAsync(Bound);
        Assert.False(_state.Expired.IsCancellationRequested);
    }

    [Fact]
    public async Task StoppingAsync_ClusterMode_QueuedRequestNeverEnds_GivesUpAtTimeoutPlusSlack()
    {
        var sut = CreateSut(ClusterOptions(TimeSpan.FromSeconds(2)));
        Submit();

        var drainWait = _time.Armed(ShutdownTimeout + ShutdownCoordinator.Slack);
        var stopping = sut.StoppingAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2));
        await drainWait.WaitAsync(Bound);
        Assert.False(_state.IsDraining);
        _time.Advance(ShutdownTimeout + ShutdownCoordinator.Slack - TimeSpan.FromTicks(1));
        Assert.False(stopping.IsCompleted);

        _time.Advance(TimeSpan.FromTicks(1));
        await stopping.WaitAsync(Bound);
        Assert.True(_state.Expired.IsCancellationRequested); // what still waits is answered 503
        Assert.True(_state.IsDraining);
    }

    [Fact]
    public async Task StoppingAsync_SingleMode_DrainsAtOnceAndDoesNotWaitForQueued()
    {
        var sut = CreateSut(new ClusterOptions());
        var worker = RegisterWorker(max: 1);
        Submit();
        Submit();

        var stopping = sut.StoppingAsync(CancellationToken.None);

        Assert.True(_state.IsDraining);
        Assert.Equal(new GracefulShutdown("proxy server shutting down", 10), await _worker.ShutdownReceived.Task.WaitAsync(Bound));
        Complete(worker, "request-1");
        await stopping.WaitAsync(Bound);
        Assert.True(_state.Expired.IsCancellationRequested);
        Assert.Equal(1, _dispatcher.GetSnapshot().TotalQueueDepth);
    }

    [Fact]
    public void HostStopBudget_AddsTheDrainDelayInClusterModeOnly()
    {
        Assert.Equal(TimeSpan.FromSeconds(21), ShutdownCoordinator.HostStopBudget(new ProxyOptions { ShutdownTimeout = ShutdownTimeout }));
        Assert.Equal(
            TimeSpan.FromSeconds(26),
            ShutdownCoordinator.HostStopBudget(new ProxyOptions { ShutdownTimeout = ShutdownTimeout, Cluster = ClusterOptions() }));
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is not null) await _directory.DisposeAsync();
        _dispatcher.Dispose();
        _state.Dispose();
    }
}
