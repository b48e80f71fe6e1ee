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
        Assert.Same(provider.GetRequiredService<ModelCatalog>(), provider.GetRequiredService<ModelCatalog>());
        Assert.Equal(["*"], provider.GetRequiredService<ModelCatalog>().Current);
        Assert.Equal(0, session.InFlight);
    }
}
