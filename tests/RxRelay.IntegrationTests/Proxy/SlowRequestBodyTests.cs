using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Hosting;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// Slow request bodies: a body that arrives under Kestrel's minimum data rate gets 408 with a JSON error,
/// never an empty 200. The rate and grace period are made small so the test takes about 2 s.
/// </summary>
public sealed class SlowRequestBodyTests
{
    [Fact]
    public async Task Post_BodyTricklesUnderTheMinimumRate_Answers408WithJsonError()
    {
        await using var proxy = await StartProxyAsync(new MinDataRate(bytesPerSecond: 100, gracePeriod: TimeSpan.FromSeconds(2)));
        using var client = await RawHttp.OpenAsync(proxy.Port);
        var body = InferenceRoute.Chat.Body();
        await client.SendAsync(RawHttp.Request("POST", "/v1/chat/completions", body)[..^body.Length]);

        // One byte every 250 ms (4 B/s), for at most 10 s: far under the minimum, and bounded.
        using var trickle = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var trickling = TrickleAsync(client, Encoding.UTF8.GetBytes(body), trickle.Token);
        var response = await client.ReadResponseAsync(TimeSpan.FromSeconds(10));
        await trickle.CancelAsync();
        await trickling;

        Assert.Equal("HTTP/1.1 408 Request Timeout", response.StatusLine);
        Assert.Equal("application/json", response.Header("content-type"));
        Assert.Equal("""{"error":{"type":"request_timeout","message":"the request body arrived too slowly"}}""", response.Body);
    }

    private static async Task TrickleAsync(RawHttp client, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var b in body)
            {
                await Task.Delay(250, cancellationToken);
                await client.SendBytesAsync([b]);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The proxy answered and closed, or the test is over.
        }
    }

    private static async Task<RunningProxy> StartProxyAsync(MinDataRate minimum)
    {
        var options = new ProxyOptions { Listen = "127.0.0.1:0", Provider = "openai", WorkerSecret = "top-secret", ShutdownTimeout = TimeSpan.FromSeconds(5) };
        var app = ProxyApp.Build(options, configure: builder => builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MinRequestBodyDataRate = minimum));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningProxy(app, new Uri(address).Port);
    }

    private sealed record RunningProxy(Microsoft.AspNetCore.Builder.WebApplication App, int Port) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await App.StopAsync(stop.Token);
            await App.DisposeAsync();
        }
    }
}
