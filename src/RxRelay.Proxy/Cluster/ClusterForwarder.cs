using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Diagnostics;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Monitoring;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// Hands queued requests to peer replicas with free slots (cluster mode, docs/cluster.md#forwarding). It wakes
/// when a request is queued, when the cluster view changes, when a forward ends and when a suspicion ends; each
/// time it takes the oldest queued request some candidate peer can serve (<see cref="PeerCandidates"/>) until none
/// is left, and sends each to its peer (<see cref="PeerClient"/>). What the peer answers becomes the request's
/// events (<see cref="PeerAnswer"/>); a refusal or a loss goes back to the dispatcher, which requeues by its rules.
/// A peer that leaves the view (heartbeat expired) or restarts has its unanswered forwards aborted and requeued.
/// Runs until the host has stopped, through the shutdown drain and the web server's graceful stop: a draining
/// replica still forwards what it holds, and relays what its peers answer until its clients have it.
/// </summary>
internal sealed class ClusterForwarder : IHostedLifecycleService, IAsyncDisposable
{
    private readonly Dispatcher _dispatcher;
    private readonly ClusterDirectory _directory;
    private readonly PeerClient _client;
    private readonly ProxyOptions _options;
    private readonly DirectoryTiming _timing;
    private readonly IScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger<ClusterForwarder> _logger;
    private readonly PeerCandidates _candidates;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, Call> _calls = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SerialDisposable _suspicionTimer = new();
    private IDisposable? _viewSubscription;
    private Task _pump = Task.CompletedTask;
    private Task? _stopped;

    /// <summary>Creates the forwarder; nothing runs before <see cref="StartAsync"/>.</summary>
    public ClusterForwarder(
        Dispatcher dispatcher, ClusterDirectory directory, PeerClient client, ProxyOptions options, DirectoryTiming timing,
        IScheduler scheduler, TimeProvider time, ProxyMetrics metrics, ILogger<ClusterForwarder> logger, Random? random = null)
    {
        _dispatcher = dispatcher;
        _directory = directory;
        _client = client;
        _options = options;
        _timing = timing;
        _scheduler = scheduler;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _candidates = new PeerCandidates(() => scheduler.Now, random ?? Random.Shared);
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _dispatcher.AttachForwarder(Wake, _candidates.Advertises);
        _viewSubscription = _directory.View.Subscribe(OnView, error => ForwardLog.Failed(_logger, error));
        _pump = Task.Run(PumpAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Nothing: forwarding goes on while the web server finishes its requests (see <see cref="StoppedAsync"/>).</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops forwarding once the web server has stopped; forwards still running are aborted and awaited. Idempotent.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        lock (_calls)
        {
            return _stopped ??= StopOnceAsync();
        }
    }

    /// <summary>Stops, once (the container disposes a hosted service it also holds as a singleton twice).</summary>
    public async ValueTask DisposeAsync() => await StoppedAsync(CancellationToken.None);

    private async Task StopOnceAsync()
    {
        _viewSubscription?.Dispose();
        _suspicionTimer.Dispose();
        await _stopping.CancelAsync();
        await _pump;
        await Task.WhenAll(_calls.Values.Select(c => c.Task));
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private void OnView(ClusterView view)
    {
        foreach (var (replicaId, epoch) in _candidates.Update(view))
        {
            var aborted = 0;
            foreach (var call in _calls.Values.Where(c => c.Peer.ReplicaId == replicaId && c.Peer.Epoch == epoch && !c.Answered))
            {
                _ = call.Abort.CancelAsync(); // its callbacks run on the pool, not under the view's lock
                aborted++;
            }

            if (aborted > 0)
            {
                ForwardLog.PeerGone(_logger, replicaId, aborted);
            }
        }

        Wake();
    }

    private async Task PumpAsync()
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(_stopping.Token))
            {
                _wake.Reader.TryRead(out _);
                Pump();
                ArmSuspicionWake();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ForwardLog.Failed(_logger, ex);
        }
    }

    /// <summary>Forwards queued requests while some candidate has a free slot for one of them.</summary>
    private void Pump()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var offered = _candidates.Offered();
            if (offered.Count == 0)
            {
                return;
            }

            PeerChoice? chosen = null;
            var lease = _dispatcher.TakeForPeer(offered, submit =>
            {
                chosen = _candidates.Choose(submit.Provider, submit.Model);
                return chosen?.Peer.ReplicaId;
            });
            if (lease is null || chosen is null)
            {
                return;
            }

            var call = new Call(chosen, lease);
            _calls[lease.RequestId] = call;
            call.Task = Task.Run(() => ForwardAsync(call), CancellationToken.None);
        }
    }

    private void ArmSuspicionWake() =>
        _suspicionTimer.Disposable = _candidates.NextExclusionEnd() is { } at ? _scheduler.Schedule(at, Wake) : Disposable.Empty;

    private async Task ForwardAsync(Call call)
    {
        var (peer, lease) = (call.Peer, call.Lease);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(lease.Ended, call.Abort.Token, _stopping.Token);
        var outcome = "served";
        try
        {
            ForwardLog.Forwarded(_logger, lease.RequestId, peer.ReplicaId);
            outcome = await SendAsync(call, linked.Token);
        }
        finally
        {
            _candidates.Release(call.Choice, call.Ran);
            _calls.TryRemove(lease.RequestId, out _); // Abort is not disposed: a view update may still cancel it (it has no timer)
            _metrics.Forwarded(outcome);
            ForwardLog.Back(_logger, lease.RequestId, peer.ReplicaId, outcome);
            Wake(); // a slot was given back, or a request requeued
        }
    }

    /// <summary>Sends one forward and settles it with the dispatcher; returns the outcome label (<c>rxrelay_peer_forwards_total</c>).</summary>
    private async Task<string> SendAsync(Call call, CancellationToken token)
    {
        var (peer, lease) = (call.Peer, call.Lease);
        PeerOutcome outcome;
        try
        {
            var envelope = PeerEnvelope.From(lease.Submit, ClientRequestId(lease), Remaining(lease));
            outcome = await _client.ForwardAsync(new Uri(peer.PeerUrl), _options.Cluster.PeerSecret!, envelope, token);
        }
        catch (OperationCanceledException) when (lease.Ended.IsCancellationRequested)
        {
            return "abandoned"; // the request already ended here (client gone); the aborted call cancels it on the peer
        }
        catch (OperationCanceledException)
        {
            _dispatcher.OnPeerFailed(lease.RequestId, PeerFailure.Lost); // the peer left the view, or this replica stops
            return "aborted";
        }
        catch (UriFormatException ex)
        {
            return Unreachable(call, ex.Message);
        }

        call.Answered = true;
        switch (outcome)
        {
            case PeerOutcome.Refused { Reason: PeerRefusal.NoCapacity }:
                _candidates.MarkFull(peer.ReplicaId, peer.Epoch, _timing.FullFor);
                _dispatcher.OnPeerFailed(lease.RequestId, PeerFailure.NoCapacity);
                return "no_capacity";
            case PeerOutcome.Refused { Reason: PeerRefusal.WorkerLost }:
                _dispatcher.OnPeerFailed(lease.RequestId, PeerFailure.Lost);
                return "worker_lost";
            case PeerOutcome.Refused refused:
                ForwardLog.Misconfigured(_logger, peer.ReplicaId, PeerProtocol.Text(refused.Reason), _timing.SuspectFor.TotalSeconds);
                _candidates.SuspectFor(peer.ReplicaId, peer.Epoch, _timing.SuspectFor);
                _dispatcher.OnPeerFailed(lease.RequestId, PeerFailure.NoCapacity); // nothing ran: no attempt used
                return "refused";
            case PeerOutcome.Unreachable unreachable:
                return Unreachable(call, unreachable.Cause.Message);
            case PeerOutcome.Streaming streaming:
                call.Ran = true;
                using (streaming.Response)
                {
                    return await PeerAnswer.RelayAsync(_dispatcher, lease.RequestId, streaming.Response, token) switch
                    {
                        PeerAnswerEnd.Served => "served",
                        PeerAnswerEnd.Abandoned => "abandoned",
                        _ => "broken",
                    };
                }

            default:
                throw new InvalidOperationException($"unknown peer outcome {outcome}");
        }
    }

    private string Unreachable(Call call, string cause)
    {
        call.Answered = true;
        ForwardLog.Unreachable(_logger, call.Peer.ReplicaId, call.Peer.PeerUrl, cause, call.Lease.RequestId, _timing.SuspectFor.TotalSeconds);
        _candidates.SuspectFor(call.Peer.ReplicaId, call.Peer.Epoch, _timing.SuspectFor);
        _dispatcher.OnPeerFailed(call.Lease.RequestId, PeerFailure.Lost);
        return "unreachable";
    }

    /// <summary>What is left of the request timeout (counted from submission); null without one. At least 1 ms: the client's own timeout ends it.</summary>
    private TimeSpan? Remaining(PeerLease lease)
    {
        if (_options.RequestTimeout <= TimeSpan.Zero)
        {
            return null;
        }

        var left = _options.RequestTimeout - (_time.GetUtcNow() - lease.SubmittedAt);
        return left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
    }

    private static string ClientRequestId(PeerLease lease) =>
        lease.Submit.Headers.TryGetValue(RequestIdNames.Header, out var id) ? id : lease.RequestId;

    /// <summary>One forward in progress.</summary>
    private sealed class Call(PeerChoice choice, PeerLease lease)
    {
        public PeerChoice Choice { get; } = choice;

        public ClusterPeer Peer => Choice.Peer;

        public PeerLease Lease { get; } = lease;

        /// <summary>Cancelled when the peer leaves the view (or restarts) before answering.</summary>
        public CancellationTokenSource Abort { get; } = new();

        /// <summary>The peer answered (headers or a refusal) or could not be reached: no longer abortable by expiry.</summary>
        public volatile bool Answered;

        /// <summary>The peer ran it (answer headers came), so its slot is free again once the forward ends.</summary>
        public bool Ran;


        public Task Task { get; set; } = Task.CompletedTask;
    }
}
