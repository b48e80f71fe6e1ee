using RxRelay.Testing.Databases;
using RxRelay.IntegrationTests.ApiKeysOnPostgres;
using Microsoft.Extensions.DependencyInjection;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Proxy.Cluster;

namespace RxRelay.IntegrationTests.Cluster;

/// <summary>The peer listener's surface: the secret, the one route, and nothing of it on the client port.</summary>
[Collection(PostgresTests.Name)]
public sealed class PeerListenerTests(SharedPostgres postgres)
{
    private static string EnvelopeJson(int version = PeerProtocol.Version) =>
        System.Text.Json.JsonSerializer.Serialize(PeerPair.Envelope(Wire.ChatBody(), version: version), PeerJson.Default.PeerEnvelope);

    [PostgresTheory]
    [InlineData(null)]
    [InlineData("wrong-secret")]
    [InlineData("peer-secret-")]
    public async Task Forward_MissingOrWrongSecret_401EmptyBodyAndWorkerSeesNothing(string? secret)
    {
        await using var pair = await PeerPair.StartAsync(postgres);
        var (worker, _) = await ScriptedWorker.RegisterAsync(pair.B);
        await using var _w = worker;
        (string, string)[] headers = secret is null ? [] : [(PeerProtocol.SecretHeader, secret)];

        using var http = await RawHttp.PostAsync(pair.PeerPort, PeerProtocol.ForwardPath, EnvelopeJson(), headers);
        var response = await http.ReadResponseAsync();

        Assert.Equal("HTTP/1.1 401 Unauthorized", response.StatusLine);
        Assert.Equal("0", response.Header("content-length"));
        Assert.Equal("", response.Body);
        await worker.AssertSilentAsync(TimeSpan.FromMilliseconds(200));
    }

    [PostgresFact]
    public async Task PeerClient_WrongSecret_RefusedUnauthorized()
    {
        await using var pair = await PeerPair.StartAsync(postgres);

        var outcome = await pair.ForwardAsync(PeerPair.Envelope(Wire.ChatBody()), secret: "nope");

        Assert.Equal(new PeerOutcome.Refused(PeerRefusal.Unauthorized), outcome);
    }

    [PostgresFact]
    public async Task ForwardRoute_OnClientPort_404()
    {
        await using var pair = await PeerPair.StartAsync(postgres);

        using var http = await RawHttp.PostAsync(pair.B.Port, PeerProtocol.ForwardPath, EnvelopeJson(), (PeerProtocol.SecretHeader, PeerPair.PeerSecret));
        var response = await http.ReadResponseAsync();

        Assert.Equal("HTTP/1.1 404 Not Found", response.StatusLine);
        Assert.Null(response.Header(PeerProtocol.RefusalHeader));
    }

    [PostgresTheory]
    [InlineData("POST", "/v1/chat/completions")]
    [InlineData("GET", "/health")]
    [InlineData("GET", "/metrics")]
    [InlineData("GET", PeerProtocol.ForwardPath)]
    public async Task PeerPort_AnyOtherRequest_404(string method, string path)
    {
        await using var pair = await PeerPair.StartAsync(postgres);

        using var http = await RawHttp.OpenAsync(pair.PeerPort);
        await http.SendAsync(RawHttp.Request(method, path, method == "POST" ? Wire.ChatBody() : "", (PeerProtocol.SecretHeader, PeerPair.PeerSecret)));
        var response = await http.ReadResponseAsync();

        Assert.Equal("HTTP/1.1 404 Not Found", response.StatusLine);
        Assert.Equal("not-found", response.Header(PeerProtocol.RefusalHeader));
        Assert.Equal("", response.Body);
    }

    [PostgresFact]
    public async Task Forward_UnknownEnvelopeVersion_400BadRequest()
    {
        await using var pair = await PeerPair.StartAsync(postgres);

        using var http = await RawHttp.PostAsync(pair.PeerPort, PeerProtocol.ForwardPath, EnvelopeJson(version: 2), (PeerProtocol.SecretHeader, PeerPair.PeerSecret));
        var response = await http.ReadResponseAsync();

        Assert.Equal("HTTP/1.1 400 Bad Request", response.StatusLine);
        Assert.Equal("bad-request", response.Header(PeerProtocol.RefusalHeader));
    }

    [PostgresFact]
    public async Task Forward_NotJson_400BadRequest()
    {
        await using var pair = await PeerPair.StartAsync(postgres);

        using var http = await RawHttp.PostAsync(pair.PeerPort, PeerProtocol.ForwardPath, "{\"version\":1,", (PeerProtocol.SecretHeader, PeerPair.PeerSecret));
        var response = await http.ReadResponseAsync();

        Assert.Equal("HTTP/1.1 400 Bad Request", response.StatusLine);
        Assert.Equal("bad-request", response.Header(PeerProtocol.RefusalHeader));
    }

    [PostgresFact]
    public async Task NoPeerListen_OnlyTheClientPortIsBound()
    {
        await using var host = await ProxyTestHost.StartAsync();

        var addresses = host.App.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;

        Assert.Equal([$"http://127.0.0.1:{host.Port}"], addresses);
        Assert.Null(host.App.Services.GetService<PeerClient>());
    }
}
