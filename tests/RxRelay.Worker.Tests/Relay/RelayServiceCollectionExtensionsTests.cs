using Microsoft.Extensions.DependencyInjection;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Tests.Relay;

/// <summary>
/// DI wiring only: nothing here sends a request. The test that relays through a real backend lives in
/// <c>RxRelay.IntegrationTests.RelayAgainstBackend.RelayServiceCollectionExtensionsTests</c>.
/// </summary>
public sealed class RelayServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddBackendRelay_WithOptionsAndLogging_ResolvesFactoryAndSharedCatalog()
    {
        var options = new WorkerOptions
        {
            WorkerSecret = "top-secret",
            BackendUrl = "http://127.0.0.1:1",
            MaxConcurrency = 4,
            Models = ["*"],
        };
        var services = new ServiceCollection()
            .AddSingleton(options)
            .AddLogging()
            .AddBackendRelay();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var factory = provider.GetRequiredService<IRelaySessionFactory>();
        await using var session = factory.Create(new UnusedOutbound());

        Assert.IsType<BackendRelaySessionFactory>(factory);
        Assert.Same(provider.GetRequiredService<ModelCatalog>(), ((BackendRelaySessionFactory)factory).Catalog);
        Assert.Equal(["*"], provider.GetRequiredService<ModelCatalog>().Current);
        Assert.Equal(0, session.InFlight);
    }

    /// <summary>The session is never given a request; whatever it might send goes nowhere.</summary>
    private sealed class UnusedOutbound : IWorkerOutbound
    {
        public ValueTask SendAsync(WorkerMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
