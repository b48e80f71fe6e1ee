namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// CORS replacement through real Kestrel: a backend's own CORS header never doubles the proxy's.
/// </summary>
public sealed class CorsReplacementTests
{
    [Fact]
    public async Task Post_WorkerAnswersWithItsOwnAllowOrigin_ClientGetsOnlyTheProxysValue()
    {
        var route = InferenceRoute.Chat;
        await using var host = await route.StartHostAsync();
        var (worker, _) = await route.RegisterAsync(host);
        await using var _w = worker;
        using var client = await RawHttp.PostAsync(host.Port, route.Path, route.Body(), [.. route.ClientHeaders, ("Origin", "http://app.example")]);
        await worker.ReceiveTextAsync();

        await worker.SendCompleteAsync(
            "request-1", 200, """{"access-control-allow-origin":"http://app.example","content-type":"application/json","vary":"accept-encoding"}""", "{}");

        var response = await client.ReadResponseAsync();
        Assert.Equal("HTTP/1.1 200 OK", response.StatusLine);
        Assert.Equal([("access-control-allow-origin", "*")], response.Headers.Where(h => h.Name == "access-control-allow-origin"));
        Assert.Equal("{}", response.Body);
    }
}
