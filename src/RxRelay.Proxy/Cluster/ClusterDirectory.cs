using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Database;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// This replica's place in the replica directory (issue 14), registered only in cluster mode. Before the
/// proxy listens: migrate <see cref="ReplicaSchema"/> and write the own row with a new <see cref="Epoch"/>, or fail
/// start-up with one line. Then: the own row's heartbeat and coalesced offers (<see cref="DirectoryWritePlan"/>),
/// a LISTEN loop on <see cref="ReplicaSchema.Channel"/>, and <see cref="View"/>. A graceful stop deletes the
/// row (after announcing draining when the host's stop begins); disposing without a stop (a crash, as far as
/// peers can tell) leaves it to expire.
/// </summary>
internal sealed partial class ClusterDirectory : IHostedLifecycleService, IAsyncDisposable
{
    private readonly RelayDatabase _database;
    private readonly DirectoryTiming _timing;
    private readonly Func<ReplicaOffer> _currentOffer;
    private readonly IScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterDirectory> _logger;
    private readonly DirectoryStore _store;
    private readonly BehaviorSubject<ReplicaState> _states = new(ReplicaState.Active);
    private readonly Subject<DirectorySignal> _signals = new();
    private readonly Subject<Unit> _databaseBack = new();
    private readonly ISubject<Unit> _writeNow; // _databaseBack, synchronized: reads and the LISTEN loop both report recovery
    private readonly IConnectableObservable<ClusterView> _view;
    private readonly CompositeDisposable _running = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _peerUrl;
    private Task _listening = Task.CompletedTask;
    private DesiredRow _written;
    private int _disposed;

    /// <summary>Creates the directory member; nothing is opened before <see cref="StartingAsync"/>.</summary>
    /// <param name="currentOffer">Reads the local dispatcher's offer; polled every <see cref="DirectoryTiming.OfferCoalescing"/>.</param>
    public ClusterDirectory(
        RelayDatabase database, ClusterOptions options, DirectoryTiming timing, Func<ReplicaOffer> currentOffer, IScheduler scheduler, TimeProvider time, ILogger<ClusterDirectory> logger)
    {
        _database = database;
        _timing = timing;
        _currentOffer = currentOffer;
        _scheduler = scheduler;
        _time = time;
        _logger = logger;
        ReplicaId = options.EffectiveReplicaId;
        _peerUrl = options.PeerUrl ?? throw new ArgumentException("cluster mode needs a peer URL", nameof(options));
        _store = new DirectoryStore(database, ReplicaId, Epoch, _peerUrl);
        _written = new DesiredRow(ReplicaOffer.Empty, 0, ReplicaState.Active);
        _writeNow = Subject.Synchronize(_databaseBack);
        _view = ClusterViewStream.Create(ReplicaId, _signals.AsObservable(), ReadAsync, timing, scheduler)
            .Do(v =>
            {
                var members = Current.Peers.Select(p => (p.ReplicaId, p.Epoch, p.State));
                var changed = !members.SequenceEqual(v.Peers.Select(p => (p.ReplicaId, p.Epoch, p.State)));
                Current = v;
                if (changed)
                {
                    ClusterLog.ViewChanged(logger, v.Peers.Count, new PeerIds(v)); // offers change all the time: only who is there is logged
                }
            })
            .Replay(1);
    }

    /// <summary>This replica's directory key.</summary>
    public string ReplicaId { get; }

    /// <summary>New for every process start (every instance).</summary>
    public Guid Epoch { get; } = Guid.NewGuid();

    /// <summary>Live peers, itself excluded; replays the latest view to a new subscriber. Starts with <see cref="StartAsync"/>.</summary>
    public IObservable<ClusterView> View => _view.AsObservable();

    /// <summary>The latest view (empty before the first read).</summary>
    public ClusterView Current { get; private set; } = ClusterView.Empty;

    /// <summary>This replica's own state as last announced (<c>draining</c> from the start of shutdown).</summary>
    public ReplicaState State => _states.Value;

    /// <summary>This replica, its state and the latest view, for the status endpoints.</summary>
    public ClusterStatus Status => new(ReplicaId, State, Current);

    /// <summary>Announces <paramref name="state"/> (draining: peers stop forwarding here); written at once.</summary>
    public void SetState(ReplicaState state) => _states.OnNext(state);

    /// <inheritdoc/>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var detail = await _database.MigrateAsync(ReplicaSchema.ApplyAsync, cancellationToken);
        DatabaseLog.Migrated(_logger, _database.Description, detail);
        _written = new DesiredRow(_currentOffer(), 0, _states.Value);
        try
        {
            await _store.UpsertAsync(_written, cancellationToken);
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            throw new DatabaseStartupException($"cannot join the replica directory at {_database.Description}: {_database.Cause(ex)}", ex);
        }

        ClusterLog.Joined(_logger, ReplicaId, Epoch, _peerUrl, _database.Description);
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var offers = Observable.Interval(_timing.OfferCoalescing, _scheduler).Select(_ => _currentOffer());
        var versioned = DirectoryWritePlan.CoalesceOffers(offers, new VersionedOffer(_written.Offer, 0), _timing.OfferCoalescing, _scheduler);
        _running.Add(DirectoryWritePlan.Writes(versioned, _states, _written, _timing.HeartbeatInterval, _writeNow, _scheduler)
            .SelectLatestAsync(WriteAsync)
            .Subscribe(_ => { }, error => ClusterLog.LoopFailed(_logger, "writer", error)));
        _running.Add(_view.Subscribe(_ => { }, error => ClusterLog.LoopFailed(_logger, "view", error)));
        _running.Add(_view.Connect());
        _listening = Task.Run(() => ListenAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await AbandonAsync();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_timing.StopTimeout);
        try
        {
            await _store.DeleteAsync(bound.Token);
            ClusterLog.Left(_logger, ReplicaId);
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex) || ex is OperationCanceledException)
        {
            ClusterLog.LeaveFailed(_logger, ReplicaId, _database.Cause(ex));
        }
    }

    /// <summary>Stops every loop without deleting the row: to peers, this replica just stopped heartbeating.</summary>
    public async ValueTask DisposeAsync()
    {
        await AbandonAsync();
        _stopping.Dispose();
        _states.Dispose();
        _signals.Dispose();
        _databaseBack.Dispose();
    }

    /// <inheritdoc/>
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Shutdown: draining. The <c>ShutdownCoordinator</c> announces it first, at SIGTERM (the host runs the
    /// <c>StoppingAsync</c> of later-registered services first); this repeats it harmlessly for a host without one.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        SetState(ReplicaState.Draining);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task AbandonAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _running.Dispose();
        await _stopping.CancelAsync();
        await _listening;
    }
}
