using System.Net.WebSockets;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;
using RxRelay.Reactive;
using RxRelay.Worker.Connection;
using RxRelay.Worker.Hosting;
using RxRelay.Worker.Relay;
using RxRelay.Worker.Tests.Connection;

namespace RxRelay.Worker.Tests.Hosting;

public sealed class WorkerConnectionServiceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StopAsync_HostStopBudgetExhausted_DoesNotThrowAndStopsThePipeline()
    {
        var options = ConnectionHarness.Options;
        using var backend = new BackendHttp(options);
        var catalog = new ModelCatalog(options, backend, TimeProvider.System, NullLogger<ModelCatalog>.Instance);
        var link = new OpenedLink();
        var connection = new WorkerConnection(
            options, new FixedModels(options.Models), new SingleLinkFactory(link), new FakeRelaySessionFactory(),
            new ReconnectPolicy(new ReconnectPolicyOptions(), () => 0), new TestScheduler(), new FakeLogger<WorkerConnection>());
        using var service = new WorkerConnectionService(connection, catalog, options, NullLogger<WorkerConnectionService>.Instance);
        await service.StartAsync(CancellationToken.None);
        await link.Opened.Task.WaitAsync(Bound);

        // The host's stop token is already spent: the drain cannot even queue models_update.
        await service.StopAsync(new CancellationToken(canceled: true));

        await service.ExecuteTask!.WaitAsync(Bound);
        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
        Assert.True(link.Disposed);
    }

    /// <summary>A link that opens at once and stays open; sends go nowhere.</summary>
    private sealed class OpenedLink : IProxyLink
    {
        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Disposed { get; private set; }

        public IObservable<LinkEvent> Open()
            => Observable.Never<LinkEvent>().StartWith(new LinkEvent.Opened()).Do(_ => Opened.TrySetResult());

        public ValueTask SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public Task CloseAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken)
            => Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken); // never ends on its own: waits for the cancel

        public void Dispose() => Disposed = true;
    }

    private sealed class SingleLinkFactory(IProxyLink link) : IProxyLinkFactory
    {
        public IProxyLink Create() => link;
    }
}
