using System.Net.WebSockets;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxRelay.Protocol;
using RxRelay.Protocol.Messages;
using RxRelay.Reactive;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Metrics;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Connection;

/// <summary>
/// One WebSocket session: connect, register, serve frames until the proxy goes away or falls silent,
/// then report a <see cref="SessionOutcome"/>. Owns its link, its ordered outbound path and its relay,
/// and disposes all three when the session ends.
/// </summary>
internal sealed partial class WorkerSession : IDisposable
{
    private readonly WorkerOptions _options;
    private readonly IAdvertisedModels _models;
    private readonly IProxyLink _link;
    private readonly OrderedOutbound _outbound;
    private readonly IRelaySession _relay;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly WorkerMetrics? _metrics;
    private readonly string _url;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Connecting → Serving when the link opens; Connecting → StopRequested when a stop comes first, and
    // then the session closes with 1000 the moment it opens instead of registering.
    private int _phase = Connecting;
    private const int Connecting = 0;
    private const int Serving = 1;
    private const int StopRequested = 2;
    private volatile bool _gracefulShutdownReceived;

    public WorkerSession(WorkerOptions options, IAdvertisedModels models, IProxyLinkFactory links, IRelaySessionFactory relays, IScheduler scheduler, ILogger logger, WorkerMetrics? metrics = null)
    {
        _metrics = metrics;
        _options = options;
        _models = models;
        _scheduler = scheduler;
        _logger = logger;
        _url = ProxyUrl.ForWorker(options.ProxyUrl, options.Provider);
        _outbound = new OrderedOutbound((int)Math.Min(int.MaxValue, options.MaxConcurrency + (long)OrderedOutbound.MaxPendingReplies));
        _link = links.Create();
        _relay = relays.Create(_outbound);
        _outbound.ShouldGather = () => _relay.InFlight > 1;
    }

    /// <summary>Runs the session once: one outcome, then completion. A failed connect is a failure of duration zero.</summary>
    public IObservable<SessionOutcome> Run()
        => _link.Open()
            .Publish(events => events
                .OfType<LinkEvent.Opened>()
                .Take(1)
                .SelectMany(_ => Serve(events)))
            .Catch((Exception error) => Observable.Return(SessionOutcome.Failed(TimeSpan.Zero, error)));

    // The session ends at the first end of either side: the inbound frames (close, loss, idle timeout,
    // a frame we cannot parse) or the outbound writer (a failed write).
    private IObservable<SessionOutcome> Serve(IObservable<LinkEvent> events)
        => Observable.Defer(() =>
        {
            var connectedAt = _scheduler.Now;
            _metrics?.RecordConnected(true);
            RegisterOrClose();
            var inbound = events
                .IdleTimeout(_options.IdleTimeout, Busy(), _scheduler)
                .Do(Handle);
            return Observable.Merge(EndOf(inbound), EndOf(_outbound.Writes(_link)))
                .Take(1)
                .Select(error => Classify(error, _scheduler.Now - connectedAt));
        });

    // The relay publishes its count under its own lock, from whichever thread finished a request, while
    // Handle runs inside the idle operator's gate and calls into that relay (its lock). Delivering the
    // count synchronously would take the two locks in opposite orders and freeze the worker; ObserveOn
    // makes the publisher only enqueue. Only changes between busy and idle are handed over: under load
    // the count moves with every request but the signal does not, so no thread is woken for it. A new
    // session's relay is idle: saying so up front keeps the idle timer armed from the connect itself,
    // not from the hop of the relay's first count.
    private IObservable<bool> Busy()
        => _relay.InFlightChanges.Select(count => count > 0).DistinctUntilChanged().ObserveOn(_scheduler).StartWith(false);

    private void RegisterOrClose()
    {
        if (Interlocked.CompareExchange(ref _phase, Serving, Connecting) != Connecting)
        {
            // The host is stopping: never take work on this connection, say goodbye properly.
            _ = CloseUnregisteredAsync();
            return;
        }

        _outbound.Post(new Register(_options.WorkerName, _models.Current, _options.MaxConcurrency, ProtocolVersion.Current, 0));
        _logger.Connected(_url);
    }

    private async Task CloseUnregisteredAsync()
    {
        try
        {
            await _link.CloseAsync(WebSocketCloseStatus.NormalClosure, "worker shutting down", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            // The session ends either way (the link reports the loss); nothing was registered.
            _logger.StopInterrupted(error);
        }
    }

    private SessionOutcome Classify(Exception? error, TimeSpan duration)
    {
        _metrics?.RecordSessionEnded(duration);
        if (error is IdleTimeoutException idle)
            _logger.IdleTimeout(idle.IdleTimeout.TotalSeconds);
        else if (error is not null)
            return SessionOutcome.Failed(duration, error);

        // An idle timeout is a clean end for the reconnect rule; it rides along so the metrics can tell it from a close.
        return _gracefulShutdownReceived
            ? SessionOutcome.Graceful(duration)
            : new SessionOutcome(SessionEnd.Closed, duration, error as IdleTimeoutException);
    }

    /// <summary>The end of a stream as a value: null when it completed, the error when it failed.</summary>
    private static IObservable<Exception?> EndOf<T>(IObservable<T> source)
        => source.IgnoreElements().Materialize().Select(end => end.Exception);
}
