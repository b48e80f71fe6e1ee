using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxRelay.IntegrationTests.FakeProxies;
using RxRelay.Worker.Hosting;
using RxRelay.Worker.Relay;

namespace RxRelay.IntegrationTests.WorkerConnection;

public sealed class WorkerHostStopTests
{
    private static readonly TimeSpan Patience = WorkerUnderTest.Patience;

    [Fact]
    public async Task HostStop_Connected_AnnouncesNoModelsThenClosesWith1000()
    {
        await using var proxy = await FakeProxy.StartAsync();
        var relays = new IntegrationRelayFactory();
        using var host = CreateHost(proxy.BaseUrl, relays);
        await host.StartAsync();
        var connection = await proxy.NextConnectionAsync(Patience);
        Assert.Equal(WorkerUnderTest.RegisterJson, await connection.NextTextAsync(Patience));

        using var patience = new CancellationTokenSource(Patience);
        await host.StopAsync(patience.Token);

        Assert.Equal("""{"type":"models_update","models":[],"current_load":0}""", await connection.NextTextAsync(Patience));
        await connection.Completion.WaitAsync(Patience);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, connection.CloseStatus);
        Assert.Equal(["drain"], relays.Sessions.Single().Calls);
        Assert.False(proxy.TryTakeConnection(out _));
    }

    [Fact]
    public async Task HostStop_ProxyUnreachable_StopsPromptly()
    {
        var relays = new IntegrationRelayFactory();
        using var host = CreateHost("http://127.0.0.1:1", relays);
        await host.StartAsync();
        // Let the loop fail a connect and sit in its backoff (or be mid-connect) when the stop arrives.
        await Task.Delay(TimeSpan.FromMilliseconds(1200));

        using var patience = new CancellationTokenSource(Patience);
        await host.StopAsync(patience.Token);

        Assert.False(patience.IsCancellationRequested);
        Assert.Empty(relays.Sessions.SelectMany(s => s.Calls));
    }

    private static IHost CreateHost(string proxyUrl, IntegrationRelayFactory relays)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddRxRelayWorker(WorkerUnderTest.CreateOptions(proxyUrl, TimeSpan.FromSeconds(90)));
        builder.Services.AddSingleton<IRelaySessionFactory>(relays);
        return builder.Build();
    }
}
