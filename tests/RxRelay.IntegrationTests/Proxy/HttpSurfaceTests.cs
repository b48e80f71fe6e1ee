using System.Text;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>Body limits, parsing, CORS, routing and response framing (docs/protocol.md#http-api).</summary>
public sealed class HttpSurfaceTests
{
    private const string Vary = "origin, access-control-request-method, access-control-request-headers";

    [Fact]
    public async Task Post_BodyOver2MiB_Returns413WithAxumText()
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var client = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", new string('a', 2 * 1024 * 1024 + 1));

        var response = await client.ReadResponseAsync();

        Assert.Equal(413, response.Status);
        Assert.Equal("Failed to buffer the request body: length limit exceeded", response.Body);
    }

    [Fact]
    public async Task Post_InvalidUtf8_Returns400Empty()
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var client = await RawHttp.OpenAsync(host.Port);
        var body = new byte[] { (byte)'{', 0xff, 0xfe, (byte)'}' };
        await client.SendAsync($"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await client.SendBytesAsync(body);

        var response = await client.ReadResponseAsync();

        Assert.Equal(400, response.Status);
        Assert.Equal("", response.Body);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"model":"m","stream":null}""")]
    [InlineData("""{"messages":[]}""")]
    public async Task Post_BadJson_Returns400EmptyWithoutContentType(string body)
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var client = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", body);

        var response = await client.ReadResponseAsync();

        Assert.Equal("HTTP/1.1 400 Bad Request", response.StatusLine);
        Assert.Equal("", response.Body);
        Assert.Null(response.Header("content-type"));
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/anything/at/all")]
    public async Task Options_AnyPath_200WithCorsHeaders(string path)
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var client = await RawHttp.OpenAsync(host.Port);
        await client.SendAsync($"OPTIONS {path} HTTP/1.1\r\nHost: x\r\nOrigin: https://example.com\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n");

        var response = await client.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal("*", response.Header("access-control-allow-origin"));
        Assert.Equal("*", response.Header("access-control-allow-methods"));
        Assert.Equal("*", response.Header("access-control-allow-headers"));
        Assert.Equal(Vary, response.Header("vary"));
        Assert.Equal("", response.Body);
    }

    [Fact]
    public async Task Get_Health_CarriesCorsHeaders()
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var client = host.CreateClient();

        var response = await client.GetAsync("/health");

        Assert.Equal("*", response.Headers.GetValues("access-control-allow-origin").Single());
        Assert.Equal(Vary, string.Join(", ", response.Headers.GetValues("vary")));
        Assert.False(response.Headers.Contains("server"));
    }

    [Fact]
    public async Task Get_UnknownPath_404Empty()
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var client = host.CreateClient();

        var response = await client.GetAsync("/v1/completions");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_OnPostRoute_405WithAllow()
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var client = host.CreateClient();

        var response = await client.GetAsync("/v1/chat/completions");

        Assert.Equal(405, (int)response.StatusCode);
        Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task Head_Health_200WithoutBody()
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var client = host.CreateClient();

        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health"));

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData(1000, 502)]
    [InlineData(99, 502)]
    [InlineData(101, 502)]
    public async Task Relay_WorkerStatusOutOfRange_502Empty(int workerStatus, int expected)
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (worker, _) = await ScriptedWorker.RegisterAsync(host);
        await using var _w = worker;
        using var client = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody());
        await worker.ReceiveTextAsync();

        await worker.SendAsync($$"""{"type":"response_complete","request_id":"request-1","status_code":{{workerStatus}},"body":"x"}""");

        var response = await client.ReadResponseAsync();
        Assert.Equal(expected, response.Status);
        Assert.Equal("", response.Body);
    }

    [Fact]
    public async Task Relay_WorkerSendsFramingHeaders_KestrelFramesTheBody()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (worker, _) = await ScriptedWorker.RegisterAsync(host);
        await using var _w = worker;
        using var client = await RawHttp.PostAsync(host.Port, "/v1/chat/completions", Wire.ChatBody());
        await worker.ReceiveTextAsync();

        await worker.SendCompleteAsync("request-1", 200, """{"content-length":"999","transfer-encoding":"chunked","x-ok":"yes","bad header":"v"}""", "body");

        var response = await client.ReadResponseAsync();
        Assert.Equal("4", response.Header("content-length"));
        Assert.Null(response.Header("transfer-encoding"));
        Assert.Equal("yes", response.Header("x-ok"));
        Assert.Equal("body", response.Body);
    }

    [Fact]
    public async Task WorkerConnect_PlainGet_400()
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var client = host.CreateClient();

        var response = await client.GetAsync("/v1/worker/connect?provider=openai");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("Connection header did not include 'upgrade'", Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
    }
}
