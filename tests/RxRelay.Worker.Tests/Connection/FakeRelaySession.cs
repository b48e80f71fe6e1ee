using System.Reactive.Subjects;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Tests.Connection;

/// <summary>A hand-written relay: records what the session hands it; the test sets the in-flight count.</summary>
internal sealed class FakeRelaySession(IWorkerOutbound outbound) : IRelaySession
{
    private readonly BehaviorSubject<int> _inFlight = new(0);

    public IWorkerOutbound Outbound { get; } = outbound;

    public List<string> Calls { get; } = [];

    public bool Disposed { get; private set; }

    public int InFlight => _inFlight.Value;

    public IObservable<int> InFlightChanges => _inFlight;

    public void SetInFlight(int count) => _inFlight.OnNext(count);

    public void Start(WorkerRequest request) => Calls.Add($"start {request.RequestId}");

    public void Cancel(CancelRequest cancel) => Calls.Add($"cancel {cancel.RequestId}");

    public void RefreshModels(ModelsRefresh refresh) => Calls.Add("refresh");

    public void BeginDraining() => Calls.Add("drain");

    public Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Calls.Add($"drain-wait {timeout.TotalSeconds}");
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

internal sealed class FakeRelaySessionFactory : IRelaySessionFactory
{
    public List<FakeRelaySession> Sessions { get; } = [];

    public IRelaySession Create(IWorkerOutbound outbound)
    {
        var session = new FakeRelaySession(outbound);
        Sessions.Add(session);
        return session;
    }
}
