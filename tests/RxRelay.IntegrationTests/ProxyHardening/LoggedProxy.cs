using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Hosting;

namespace RxRelay.IntegrationTests.ProxyHardening;

/// <summary>The proxy on real Kestrel (127.0.0.1, port 0) with its log lines recorded.</summary>
internal sealed class LoggedProxy : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoggedProxy(WebApplication app, int port, RecordingLogProvider log) => (this._app, Port, Log) = (app, port, log);

    public RecordingLogProvider Log { get; }

    public int Port { get; }

    public Uri WorkerUri(string provider = ProxyTestHost.Provider) =>
        new($"ws://127.0.0.1:{Port}/v1/worker/connect?provider={Uri.EscapeDataString(provider)}");

    public static async Task<LoggedProxy> StartAsync(Func<ProxyOptions, ProxyOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new ProxyOptions { Listen = "127.0.0.1:0", Provider = ProxyTestHost.Provider, WorkerSecret = ProxyTestHost.Secret };
        options = configure?.Invoke(options) ?? options;
        var log = new RecordingLogProvider();
        var app = ProxyApp.Build(options, time, builder => builder.Logging.AddProvider(log));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new LoggedProxy(app, new Uri(address).Port, log);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _app.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // a socket left open; disposal still tears everything down
        }

        await _app.DisposeAsync();
    }
}
