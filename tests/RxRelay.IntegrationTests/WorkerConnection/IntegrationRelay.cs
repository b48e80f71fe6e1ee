using System.Reactive.Subjects;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Relay;

namespace RxRelay.IntegrationTests.WorkerConnection;

/// <summary>A relay that records what it is handed and runs nothing; backend HTTP is not this suite's concern.</summary>
internal sealed class IntegrationRelay : IRelaySession
{
    private readonly BehaviorSubject<int> _inFlight = new(0);

    public List<string> Calls { get; } = [];

    public int InFlight => _inFlight.Value;

    public IObservable<int> InFlightChanges => _inFlight;

    public void Start(WorkerRequest request) => Record($"start {request.RequestId}");

    public void Cancel(CancelRequest cancel) => Record($"cancel {cancel.RequestId}");

    public void RefreshModels(ModelsRefresh refresh) => Record("refresh");

    public void BeginDraining() => Record("drain");

    public Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Record(string call)
    {
        lock (Calls)
            Calls.Add(call);
    }
}

internal sealed class IntegrationRelayFactory : IRelaySessionFactory
{
    public List<IntegrationRelay> Sessions { get; } = [];

    public IRelaySession Create(IWorkerOutbound outbound)
    {
        var session = new IntegrationRelay();
        lock (Sessions)
            Sessions.Add(session);
        return session;
    }
}
