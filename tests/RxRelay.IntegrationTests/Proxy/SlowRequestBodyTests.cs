using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Hosting;

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
        var minimum = new MinDataRate(bytesPerSecond: 100, gracePeriod: TimeSpan.FromSeconds(2));
        await using var proxy = await ProxyTestHost.StartAsync(host: builder => builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MinRequestBodyDataRate = minimum));
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
}
