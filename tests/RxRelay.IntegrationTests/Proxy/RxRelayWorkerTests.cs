using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RxRelay.EchoBackend;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Hosting;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>The proxy with RxRelay's own worker host and echo backend: both halves of the protocol together.</summary>
public sealed class RxRelayWorkerTests
{
    private static async Task<IHost> StartWorkerAsync(ProxyTestHost proxy, Uri backend)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddRxRelayWorker(new WorkerOptions
        {
            ProxyUrl = proxy.HttpBase.ToString(),
            Provider = ProxyTestHost.Provider,
            WorkerSecret = ProxyTestHost.Secret,
            WorkerName = "gpu-box-a",
            Models = ["echo"],
            BackendUrl = backend.ToString().TrimEnd('/'),
            ShutdownTimeout = TimeSpan.FromSeconds(2),
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    [Fact]
    public async Task RxRelayWorker_NonStreamingAndStreaming_RelayedThroughProxy()
    {
        await using var proxy = await ProxyTestHost.StartAsync();
        await using var backend = await EchoBackendApp.StartAsync(new EchoBackendOptions { Listen = ListenAddress.LoopbackAnyPort });
        using var worker = await StartWorkerAsync(proxy, backend.BaseAddress);
        await ProxyTestHost.EventuallyAsync(async () => await proxy.WorkerCountAsync() == 1, "worker registered", 20);
        using var client = proxy.CreateClient();

        var plain = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"echo","messages":[{"role":"user","content":"hello relay"}]}""", Encoding.UTF8, "application/json"));
        var streamed = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"echo","stream":true,"messages":[{"role":"user","content":"hello relay"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(200, (int)plain.StatusCode);
        Assert.Contains("chat.completion", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(200, (int)streamed.StatusCode);
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType!.MediaType);
        Assert.Contains("data: [DONE]", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await worker.StopAsync();
    }
}
