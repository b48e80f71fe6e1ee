using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Proxy.Configuration;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Hosting;

namespace RxRelay.IntegrationTests.Monitoring;

/// <summary>
/// The whole path on loopback: a proxy (real Kestrel), RxRelay's own worker host and a
/// <see cref="ScriptedBackend"/> that records what arrives, so a test can check a header at the backend.
/// </summary>
internal sealed class RelayRig : IAsyncDisposable
{
    public const string Model = "echo";

    private RelayRig(ProxyTestHost proxy, ScriptedBackend backend, IHost worker) => (Proxy, Backend, Worker) = (proxy, backend, worker);

    public ProxyTestHost Proxy { get; }

    public ScriptedBackend Backend { get; }

    public IHost Worker { get; }

    /// <summary>Starts the three; <paramref name="logs"/> gets the proxy's lines, <paramref name="workerLogs"/> the worker's (debug and up).</summary>
    public static async Task<RelayRig> StartAsync(FakeLogCollector? logs = null, Func<ProxyOptions, ProxyOptions>? configure = null, FakeLogCollector? workerLogs = null)
    {
        var proxy = await ProxyTestHost.StartAsync(configure, logs: logs);
        var backend = await ScriptedBackend.StartAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddRxRelayWorker(new WorkerOptions
        {
            ProxyUrl = proxy.HttpBase.ToString(),
            Provider = ProxyTestHost.Provider,
            WorkerSecret = ProxyTestHost.Secret,
            WorkerName = "monitoring-rig",
            Models = [Model],
            BackendUrl = backend.Url,
            ShutdownTimeout = TimeSpan.FromSeconds(2),
        });
        if (workerLogs is not null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(new FakeLoggerProvider(workerLogs));
        }

        var worker = builder.Build();
        await worker.StartAsync();
        await ProxyTestHost.EventuallyAsync(async () => await proxy.WorkerCountAsync() == 1, "worker registered", 20);
        return new RelayRig(proxy, backend, worker);
    }

    /// <summary>POSTs a chat request for <see cref="Model"/> with extra headers.</summary>
    public static async Task<HttpResponseMessage> ChatAsync(HttpClient client, IEnumerable<KeyValuePair<string, string>>? headers = null, bool stream = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{Model}}","stream":{{(stream ? "true" : "false")}}}""", Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Worker.StopAsync(stop.Token);
        Worker.Dispose();
        await Backend.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}
