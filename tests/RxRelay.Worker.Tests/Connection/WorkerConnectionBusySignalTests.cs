using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;
using RxRelay.Protocol.Messages;
using RxRelay.Reactive;
using RxRelay.Worker.Connection;
using RxRelay.Worker.Relay;
using static RxRelay.Worker.Tests.Connection.ConnectionHarness;

namespace RxRelay.Worker.Tests.Connection;

/// <summary>
/// The relay publishes its in-flight count while holding its own lock (BackendRelaySession does, to keep
/// counts ordered), from whatever thread finished a request. The session handles frames by calling into
/// the same relay. Neither may wait for the other: that is a lock-order inversion, a frozen worker.
/// </summary>
public sealed class WorkerConnectionBusySignalTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Run_CountPublishedUnderRelayLockWhileAFrameIsHandled_NeitherSideBlocks()
    {
        var scheduler = new TestScheduler();
        var links = new FakeProxyLinkFactory(scheduler);
        var relays = new LockingRelaySessionFactory();
        var connection = new WorkerConnection(
            Options, new FixedModels(Options.Models), links, relays,
            new ReconnectPolicy(new ReconnectPolicyOptions(), () => 0), scheduler, new FakeLogger<WorkerConnection>());
        using var run = connection.Run().Subscribe(_ => { });
        scheduler.AdvanceTo(S(1));
        var relay = relays.Sessions[0];

        // A request finishes on a pool thread: it takes the relay's lock and publishes while the
        // session is inside its handling of the next frame.
        var publisher = Task.Run(() =>
        {
            Assert.True(relay.StartEntered.Wait(Bound));
            relay.PublishUnderLock(1);
        });
        scheduler.ScheduleAbsolute(S(2), () => links.Links[0].Receive(
            """{"type":"request","request_id":"request-1","model":"llama-3.1-70b","endpoint_path":"/v1/chat/completions","is_streaming":false,"body":"{}"}"""));
        scheduler.AdvanceTo(S(2));

        await publisher.WaitAsync(Bound);
        Assert.Equal([true], relay.StartGotLock);
    }

    /// <summary>Start waits (bounded) until the publisher holds the lock, then takes it, like BackendRelaySession.Start.</summary>
    private sealed class LockingRelaySession : IRelaySession
    {
        private readonly object _gate = new();
        private readonly BehaviorSubject<int> _inFlight = new(0);
        private readonly ManualResetEventSlim _publisherHoldsLock = new();

        public ManualResetEventSlim StartEntered { get; } = new();

        public List<bool> StartGotLock { get; } = [];

        public int InFlight => _inFlight.Value;

        public IObservable<int> InFlightChanges => _inFlight;

        public void PublishUnderLock(int count)
        {
            lock (_gate)
            {
                _publisherHoldsLock.Set();
                _inFlight.OnNext(count);
            }
        }

        public void Start(WorkerRequest request)
        {
            StartEntered.Set();
            _publisherHoldsLock.Wait(Bound);
            var taken = Monitor.TryEnter(_gate, Bound);
            StartGotLock.Add(taken);
            if (taken)
                Monitor.Exit(_gate);
        }

        public void Cancel(CancelRequest cancel)
        {
        }

        public void RefreshModels(ModelsRefresh refresh)
        {
        }

        public void BeginDraining()
        {
        }

        public Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class LockingRelaySessionFactory : IRelaySessionFactory
    {
        public List<LockingRelaySession> Sessions { get; } = [];

        public IRelaySession Create(IWorkerOutbound outbound)
        {
            var session = new LockingRelaySession();
            Sessions.Add(session);
            return session;
        }
    }
}
