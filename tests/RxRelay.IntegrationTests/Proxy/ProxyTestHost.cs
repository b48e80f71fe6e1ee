using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Hosting;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// The proxy on a real Kestrel socket, 127.0.0.1 port 0, real time. Defaults follow upstream's tests
/// (docs/differences-from-upstream.md#upstream-tests; provider <c>openai</c>, secret <c>top-secret</c>)
/// except the heartbeat, which stays long unless a test is about the heartbeat, so scripted workers that
/// never answer pings are not removed under CPU load.
/// </summary>
internal sealed class ProxyTestHost : IAsyncDisposable
{
    public const string Secret = "top-secret";
    public const string Provider = "openai";

    private ProxyTestHost(WebApplication app, ProxyOptions options)
    {
        App = app;
        Options = options;
        // The API endpoint is bound first; a --metrics-listen endpoint, when a test adds one, comes after it.
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
    }

    public WebApplication App { get; }

    public ProxyOptions Options { get; }

    public int Port { get; }

    public Uri HttpBase => new($"http://127.0.0.1:{Port}");

    public Uri WorkerUri(string provider = Provider, string? query = null) =>
        new($"ws://127.0.0.1:{Port}/v1/worker/connect?provider={provider}{query}");

    /// <summary>The dispatcher, for upstream's "[hook]" steps (drain) and state checks.</summary>
    public Dispatcher Dispatcher => App.Services.GetRequiredService<Dispatcher>();

    public static async Task<ProxyTestHost> StartAsync(Func<ProxyOptions, ProxyOptions>? configure = null, TimeProvider? time = null, FakeLogCollector? logs = null, Action<WebApplicationBuilder>? host = null)
    {
        var options = new ProxyOptions
        {
            Listen = "127.0.0.1:0",
            Provider = Provider,
            WorkerSecret = Secret,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        };
        options = configure?.Invoke(options) ?? options;
        var app = ProxyApp.Build(options, time, builder =>
        {
            if (logs is not null) builder.Logging.AddProvider(new FakeLoggerProvider(logs));
            host?.Invoke(builder);
        });
        await app.StartAsync();
        return new ProxyTestHost(app, options);
    }

    public HttpClient CreateClient() => new() { BaseAddress = HttpBase, Timeout = TimeSpan.FromSeconds(30) };

    public Task<int> WorkerCountAsync() => Task.FromResult(Dispatcher.GetSnapshot().Workers.Count);

    public Task<int> QueueDepthAsync() => Task.FromResult(Dispatcher.GetSnapshot().TotalQueueDepth);

    /// <summary>Polls a condition on real time (integration only): generous bound for "something happens".</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, double seconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await App.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // a test that left a socket open; disposal below still tears everything down
        }

        await App.DisposeAsync();
    }
}
