using Microsoft.Extensions.DependencyInjection;
using RxRelay.Worker.Relay;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

public sealed class RelayServiceCollectionExtensionsTests
{
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
