using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Hosting;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>What an operator sees when the proxy starts.</summary>
public sealed class StartupLogTests
{
    [Fact]
    public async Task Start_ListenPortZero_LogsTheBoundAddress()
    {
        var logs = new FakeLogCollector();
        var app = ProxyApp.Build(
            new ProxyOptions { Listen = "127.0.0.1:0", WorkerSecret = ProxyTestHost.Secret },
            configure: builder => builder.Services.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(logs)));
        await using var _ = app;
        await app.StartAsync();
        try
        {
            var port = new Uri(app.Urls.Single()).Port;

            Assert.NotEqual(0, port);
            Assert.Contains($"listening on http://127.0.0.1:{port}", logs.Lines.Select(line => line.Message));
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
