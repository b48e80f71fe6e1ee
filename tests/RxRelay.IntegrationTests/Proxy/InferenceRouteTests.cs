using System.Text.Json;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// The scenarios shared by upstream's <c>http_chat_completions.rs</c>, <c>http_messages.rs</c> and
/// <c>http_responses.rs</c> (docs/differences-from-upstream.md#upstream-tests-server), run on each route.
/// "[hook]" steps become real HTTP, sockets or a dispatcher call.
/// </summary>
public sealed partial class InferenceRouteTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static Dictionary<string, string> Map(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_WorkerAnswers_RequestForwardedAndResponsePreserved(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        var body = route.Body();
        using var client = await route.PostAsync(host, body);

        Assert.Equal(route.RequestFrame("request-1", body), Wire.WithoutRequestId(await worker.ReceiveTextAsync()));
        await worker.SendCompleteAsync("request-1", route.SuccessStatus, route.SuccessHeadersJson, route.SuccessBody);

        var response = await client.ReadResponseAsync();
        Assert.Equal(route.SuccessStatusLine, response.StatusLine);
        Assert.All(Map(route.SuccessHeadersJson), h => Assert.Equal(h.Value, response.Header(h.Key)));
        Assert.Equal(route.SuccessBody, response.Body);
        Assert.Equal(route.SuccessBody.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Header("content-length"));
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_UpstreamHttpError_PreservedVerbatim(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        using var client = await route.PostAsync(host, route.Body());
        await worker.ReceiveTextAsync();

        await worker.SendCompleteAsync("request-1", route.ErrorStatus, route.ErrorHeadersJson, route.ErrorBody);

        var response = await client.ReadResponseAsync();
        Assert.Equal(route.ErrorStatusLine, response.StatusLine);
        Assert.All(Map(route.ErrorHeadersJson), h => Assert.Equal(h.Value, response.Header(h.Key)));
        Assert.Equal(route.ErrorBody, response.Body);
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_Streaming_ChunksRelayedLiveThenChunkedEnd(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        var body = route.Body(stream: true);
        using var client = await route.PostAsync(host, body);
        Assert.Equal(route.RequestFrame("request-1", body, streaming: true), Wire.WithoutRequestId(await worker.ReceiveTextAsync()));

        await worker.SendChunkAsync("request-1", route.StreamChunks[0]);
        var head = await client.ReadUntilAsync(route.StreamChunks[0]);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: text/event-stream\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nCache-Control: no-cache\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nx-accel-buffering: no\r\n", head, StringComparison.Ordinal);
        Assert.DoesNotContain(route.StreamChunks[^1], head, StringComparison.Ordinal);
        foreach (var chunk in route.StreamChunks.Skip(1))
        {
            await worker.SendChunkAsync("request-1", chunk);
        }

        await worker.SendCompleteAsync("request-1", 200, """{"content-type":"text/event-stream"}""", "");
        var raw = await client.ReadToEndAsync();
        Assert.EndsWith("0\r\n\r\n", raw, StringComparison.Ordinal);
        Assert.Equal(string.Concat(route.StreamChunks), RawResponse.Parse(raw).Body);
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_LargeSseChunk_PassesThroughIntact(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        using var client = await route.PostAsync(host, route.Body(stream: true));
        await worker.ReceiveTextAsync();
        var large = "data: " + string.Concat(Enumerable.Repeat("large-chunk-data-", 4200)) + "\n\n";

        await worker.SendChunkAsync("request-1", large);
        await worker.SendCompleteAsync("request-1");

        var response = RawResponse.Parse(await client.ReadToEndAsync());
        Assert.Equal(large, response.Body);
        Assert.DoesNotContain("stream exceeded size limit", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InferenceRoute.All), MemberType = typeof(InferenceRoute))]
    public async Task Route_ClientDisconnectsWhileWaiting_WorkerGetsClientDisconnectCancel(string name)
    {
        var route = InferenceRoute.ByName(name);
        await using var host = await route.StartHostAsync();
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        var client = await route.PostAsync(host, route.Body());
        await worker.ReceiveTextAsync();

        client.HalfClose();
        client.Dispose();

        Assert.Equal(Wire.Cancel("request-1", "client_disconnect"), await worker.ReceiveTextAsync());
        await worker.AssertSilentAsync(Quiet);
    }
}
