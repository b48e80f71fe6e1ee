using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxRelay.Reactive;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Metrics;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Connection;

/// <summary>
/// The worker's connection lifecycle as one Rx query: a session per subscription (link and relay
/// inside <see cref="Observable.Using{TResult, TResource}(Func{TResource}, Func{TResource, IObservable{TResult}})"/>),
/// repeated forever with the delays <see cref="ReconnectPolicy"/> picks. Subscribe to run it; dispose to
/// drop everything; <see cref="StopAsync"/> first for a drained, 1000-closed stop that completes the loop.
/// </summary>
internal sealed partial class WorkerConnection(
    WorkerOptions options,
    IAdvertisedModels models,
    IProxyLinkFactory links,
    IRelaySessionFactory relays,
    ReconnectPolicy policy,
    IScheduler scheduler,
    ILogger<WorkerConnection> logger,
    WorkerMetrics? metrics = null)
{
    private WorkerSession? _current;
    private int _stopping;

    /// <summary>Every reconnect decision, after it is logged; completes only after <see cref="StopAsync"/>.</summary>
    public IObservable<ReconnectDecision> Run()
        => Observable.Defer(() => Stopping ? NoMoreSessions : OneSession())
            .RepeatWithPolicy(policy, scheduler)
            .Do(Report);

    private static IObservable<SessionOutcome> NoMoreSessions => Observable.Return(SessionOutcome.Stopped(TimeSpan.Zero));

    private IObservable<SessionOutcome> OneSession()
        => Observable.Using(CreateSession, session => session.Run().Select(MarkStopped));

    /// <summary>
    /// Drains and closes the current session (if connected; one still connecting closes with 1000 as soon
    /// as it opens, without registering); the loop then completes instead of reconnecting.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Full fences on both sides (here and in CreateSession): either this sees the session being
        // created, or CreateSession sees the stop; a session can never start serving unnoticed.
        Interlocked.Exchange(ref _stopping, 1);
        var session = Interlocked.CompareExchange(ref _current, null, null);
        if (session is null)
            return;

        try
        {
            await session.ShutdownAsync(options.ShutdownTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested)
        {
            // The session can end under us (proxy gone, socket lost, the proxy stopping at the same
            // moment); stopping goes on regardless. That includes an OperationCanceledException that is
            // not the caller's: a WebSocket aborted mid-write reports itself so. Only the caller's own
            // cancellation (the host's stop budget spent) goes up.
            logger.StopInterrupted(error);
        }
    }

    private WorkerSession CreateSession()
    {
        var session = new WorkerSession(options, models, links, relays, scheduler, logger, metrics);
        Interlocked.Exchange(ref _current, session);
        if (Stopping)
            session.StopBeforeServing();
        return session;
    }

    // Once a stop was asked for, however the session ended, the loop must not reconnect.
    private SessionOutcome MarkStopped(SessionOutcome outcome)
        => Stopping ? SessionOutcome.Stopped(outcome.Duration) : outcome;

    private bool Stopping => Volatile.Read(ref _stopping) != 0;

    // Where the loop decided: the log line and the reconnect metrics come from the same decision.
    private void Report(ReconnectDecision decision)
    {
        LogDecision(decision);
        metrics?.RecordReconnect(decision);
    }

    private void LogDecision(ReconnectDecision decision)
    {
        var delayMs = (long)decision.Delay.TotalMilliseconds;
        var seconds = (long)decision.Outcome.Duration.TotalSeconds;
        switch (decision.Outcome.End)
        {
            case SessionEnd.Graceful:
                logger.GracefulReconnect(decision.Attempt, delayMs, seconds);
                break;
            case SessionEnd.Closed:
                logger.ClosedReconnect(decision.Attempt, delayMs, seconds);
                break;
            case SessionEnd.Failed:
                var error = decision.Outcome.Error;
                logger.ErrorReconnect(error?.Message ?? "unknown", decision.Attempt, delayMs, seconds);
                if (error is not null)
                    logger.ErrorDetail(error);
                break;
        }
    }
}
