using Microsoft.Extensions.DependencyInjection;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Tests.Relay;

public sealed class RelayServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddBackendRelay_WithOptionsAndLogging_ResolvesFactoryAndSharedCatalog()
    {
        var services = new ServiceCollection()
            .AddSingleton(RelaySut.Options("http://127.0.0.1:1", 4, "*"))
            .AddLogging()
            .AddBackendRelay();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var factory = provider.GetRequiredService<IRelaySessionFactory>();
        await using var session = factory.Create(new RecordingOutbound());

        Assert.IsType<BackendRelaySessionFactory>(factory);
        Assert.Same(provider.GetRequiredService<ModelCatalog>(), ((BackendRelaySessionFactory)factory).Catalog);
        Assert.Equal(["*"], provider.GetRequiredService<ModelCatalog>().Current);
        Assert.Equal(0, session.InFlight);
    }

    [Fact]
    public async Task BackendRelaySessionFactory_RegisteredAlone_OwnsClientAndCatalogAndRelays()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        var services = new ServiceCollection()
            .AddSingleton(RelaySut.Options(backend.Url, 4, "*"))
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddSingleton<IRelaySessionFactory, BackendRelaySessionFactory>();
        var outbound = new RecordingOutbound();
        await using (var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }))
        {
            var factory = (BackendRelaySessionFactory)provider.GetRequiredService<IRelaySessionFactory>();
            await using var session = factory.Create(outbound);

            Assert.Equal(["gpt-4.1-mini", "claude-3-7-sonnet-20250219"], await factory.Catalog.ResolveAsync(CancellationToken.None));
            session.Start(RelaySut.Request("request-1", "/v1/messages"));
            await outbound.WaitForCompletionAsync("request-1");
        }

        Assert.Equal(200, outbound.Completions("request-1").Single().StatusCode);
    }
}
