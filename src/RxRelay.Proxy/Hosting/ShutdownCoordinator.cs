using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Hosting;

/// <summary>
/// SIGTERM / Ctrl-C drain (upstream never drains, docs/differences-from-upstream.md#proxy-sigterm-drain). When the host starts stopping —
/// before Kestrel stops — new inference requests are refused, every worker gets <c>graceful_shutdown</c>,
/// in-flight requests may finish within the shutdown timeout (the dispatcher fails the rest and closes the
/// workers 1000), and requests still queued are then answered 503. Kestrel's own graceful stop follows.
/// <para>
/// In cluster mode (a rolling deploy) the replica announces <c>draining</c> in the directory at once (peers stop
/// forwarding to it, <c>/health</c> answers 503), keeps serving normally for
/// <see cref="ClusterOptions.EffectiveDrainDelay"/> so the load balancer drops it, then drains its workers without
/// refusing requests and waits, within the same deadline, until nothing is queued (queued requests are forwarded to
/// peers once the workers moved). The directory row is deleted after all of this, by
/// <see cref="ClusterDirectory.StopAsync"/>, which the host runs after every <c>StoppingAsync</c>.
/// </para>
/// </summary>
internal sealed class ShutdownCoordinator(
    Dispatcher dispatcher, ShutdownState state, ProxyOptions options, TimeProvider time, ILogger<ShutdownCoordinator> logger, ClusterDirectory? directory = null)
    : IHostedLifecycleService
{
    /// <summary>Extra time after the drain deadline for the last close frames and responses.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    /// <summary>The host's stop budget: the drain delay, the drain, <see cref="Slack"/>, and 10 s for Kestrel's own graceful stop after it.</summary>
    public static TimeSpan HostStopBudget(ProxyOptions options) =>
        options.Cluster.EffectiveDrainDelay + options.ShutdownTimeout + Slack + TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        ProxyLog.ShuttingDown(logger);
        if (directory is not null)
        {
            await AnnounceDrainingAsync(directory, cancellationToken);
            await DrainClusterReplicaAsync(cancellationToken);
            return;
        }

        state.BeginDraining();
        dispatcher.BeginDrain(options.ShutdownTimeout);
        var finished = await WithinTimeoutAsync(dispatcher.Drained, cancellationToken);
        ProxyLog.DrainFinished(logger, finished);
        state.Expire();
    }

    /// <summary>
    /// The drain of a cluster replica: its workers get <c>graceful_shutdown</c> and reconnect to other replicas through
    /// the load balancer, while requests keep being accepted (a load balancer without active health checks still
    /// sends some) and queued requests go to peers. Done when the workers are gone and nothing is queued; requests in
    /// flight, here or on peers, finish during the web server's graceful stop (the forwarder stops after it). Past
    /// the deadline, what still waits is answered 503 as in a single replica.
    /// </summary>
    private async Task DrainClusterReplicaAsync(CancellationToken cancellationToken)
    {
        dispatcher.BeginDrain(options.ShutdownTimeout);
        var queueEmpty = dispatcher.WhenQueueEmpty();
        var finished = await WithinTimeoutAsync(Task.WhenAll(dispatcher.Drained, queueEmpty), cancellationToken);
        ProxyLog.DrainFinished(logger, dispatcher.Drained.IsCompleted);
        ProxyLog.ClusterDrainFinished(logger, queueEmpty.IsCompleted);
        if (!finished)
        {
            state.Expire();
        }
    }

    /// <summary>Waits for <paramref name="done"/> at most the shutdown timeout plus <see cref="Slack"/>; true when it completed.</summary>
    private async Task<bool> WithinTimeoutAsync(Task done, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var finished = await Task.WhenAny(done, Task.Delay(options.ShutdownTimeout + Slack, time, deadline.Token));
        await deadline.CancelAsync();
        return finished == done;
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Draining in the directory now; then normal service for the drain delay (cut short only when the host gives up).</summary>
    private async Task AnnounceDrainingAsync(ClusterDirectory cluster, CancellationToken cancellationToken)
    {
        cluster.SetState(ReplicaState.Draining);
        var delay = options.Cluster.EffectiveDrainDelay;
        ProxyLog.ReplicaDraining(logger, cluster.ReplicaId, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the host's stop budget ran out: drain at once with what is left
        }
    }
}
