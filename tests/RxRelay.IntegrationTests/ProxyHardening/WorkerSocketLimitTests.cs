using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using RxRelay.IntegrationTests.Proxy;

namespace RxRelay.IntegrationTests.ProxyHardening;

/// <summary>Worker socket limits: frame and message limits, the worker cap, the model cap.</summary>
public sealed class WorkerSocketLimitTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Frame_Over16MiBAfterRegistration_Closed1009WithoutBeingRead()
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var socket = await RegisterAsync(host);

        var send = socket.SendAsync(new byte[17 * MiB], WebSocketMessageType.Text, true, CancellationToken.None);
        var (_, close) = await HostileClients.ReceiveAsync(socket);

        Assert.Equal((WebSocketCloseStatus.MessageTooBig, "frame exceeds 16 MiB"), close);
        // The proxy stopped reading at the header and dropped the connection: the 17 MiB never all went out.
        await Assert.ThrowsAnyAsync<Exception>(() => send.WaitAsync(TimeSpan.FromSeconds(20)));
        await ProxyTestHost.EventuallyAsync(async () => await host.WorkerCountAsync() == 0, "worker removed");
    }

    [Fact]
    public async Task Frame_Over16MiBAsFirstFrame_Closed1009()
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var socket = await HostileClients.ConnectWorkerAsync(host.WorkerUri(), ProxyTestHost.Secret);

        var send = socket.SendAsync(new byte[17 * MiB], WebSocketMessageType.Text, true, CancellationToken.None);
        var (_, close) = await HostileClients.ReceiveAsync(socket);

        Assert.Equal((WebSocketCloseStatus.MessageTooBig, "frame exceeds 16 MiB"), close);
        await Assert.ThrowsAnyAsync<Exception>(() => send.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Message_Over64MiBInSmallFrames_Closed1009()
    {
        await using var host = await ProxyTestHost.StartAsync();
        using var socket = await RegisterAsync(host);
        var fragment = new byte[8 * MiB];

        var send = Task.Run(async () =>
        {
            for (var i = 0; i < 9; i++)
            {
                await socket.SendAsync(fragment, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
            }
        });
        var (_, close) = await HostileClients.ReceiveAsync(socket);

        Assert.Equal((WebSocketCloseStatus.MessageTooBig, "message exceeds 64 MiB"), close);
        await Assert.ThrowsAnyAsync<Exception>(() => send.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Connect_PastMaxWorkers_Http503BeforeTheUpgrade_ThenAcceptedOnceOneLeaves()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { MaxWorkers = 2 });
        using var first = await RegisterAsync(host);
        using var second = await RegisterAsync(host);

        using var third = new ClientWebSocket();
        third.Options.CollectHttpResponseDetails = true;
        third.Options.SetRequestHeader("x-worker-secret", ProxyTestHost.Secret);
        await Assert.ThrowsAsync<WebSocketException>(() => third.ConnectAsync(host.WorkerUri(), CancellationToken.None));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.HttpStatusCode);

        first.Abort();
        ClientWebSocket? fourth = null;
        await ProxyTestHost.EventuallyAsync( // the slot is given back when the first socket's handler has ended
            async () =>
            {
                try
                {
                    fourth = await RegisterAsync(host);
                    return true;
                }
                catch (WebSocketException refused) when (refused.Message.Contains("'503'", StringComparison.Ordinal))
                {
                    return false;
                }
            },
            "a worker accepted once one left");
        using var _ = fourth;
        Assert.Equal(WebSocketState.Open, fourth!.State);
    }

    [Fact]
    public async Task Register_2000Models_First1024KeptAndTheAckWarns()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var models = Enumerable.Range(0, 2000).Select(i => $"m{i}").ToArray();
        using var socket = await HostileClients.ConnectWorkerAsync(host.WorkerUri(), ProxyTestHost.Secret);
        await HostileClients.SendTextAsync(socket, JsonSerializer.Serialize(new { type = "register", worker_name = "w", models, max_concurrent = 1 }));

        var (ack, _) = await HostileClients.ReceiveAsync(socket);
        using var json = JsonDocument.Parse(ack!);

        Assert.Equal(models[..1024], json.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["model list truncated to 1024 entries"], json.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()));
        using var client = host.CreateClient();
        using var list = JsonDocument.Parse(await client.GetStringAsync("/v1/models"));
        Assert.Equal(1024, list.RootElement.GetProperty("data").GetArrayLength());
    }

    private static async Task<ClientWebSocket> RegisterAsync(ProxyTestHost host)
    {
        var socket = await HostileClients.ConnectWorkerAsync(host.WorkerUri(), ProxyTestHost.Secret);
        await HostileClients.SendTextAsync(socket, """{"type":"register","worker_name":"w","models":["m"],"max_concurrent":1}""");
        var (ack, _) = await HostileClients.ReceiveAsync(socket);
        Assert.StartsWith("""{"type":"register_ack""", ack);
        return socket;
    }
}
