using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Hosting;

/// <summary>
/// SIGTERM / Ctrl-C drain (upstream never drains, docs/differences-from-upstream.md#proxy-sigterm-drain). When the host starts stopping —
/// before Kestrel stops — new inference requests are refused, every worker gets <c>graceful_shutdown</c>,
/// in-flight requests may finish within the shutdown timeout (the dispatcher fails the rest and closes the
/// workers 1000), and requests still queued are then answered 503. Kestrel's own graceful stop follows.
/// </summary>
internal sealed class ShutdownCoordinator(
    Dispatcher dispatcher, ShutdownState state, ProxyOptions options, TimeProvider time, ILogger<ShutdownCoordinator> logger)
    : IHostedLifecycleService
{
    /// <summary>Extra time after the drain deadline for the last close frames and responses.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        ProxyLog.ShuttingDown(logger);
        state.BeginDraining();
        dispatcher.BeginDrain(options.ShutdownTimeout);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var finished = await Task.WhenAny(dispatcher.Drained, Task.Delay(options.ShutdownTimeout + Slack, time, deadline.Token));
        await deadline.CancelAsync();
        ProxyLog.DrainFinished(logger, finished == dispatcher.Drained);
        state.Expire();
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
}
