using System.Net.WebSockets;
using RxRelay.IntegrationTests.FakeProxies;

namespace RxRelay.IntegrationTests.WorkerConnection;

public sealed class WorkerConnectionWireTests
{
    private static readonly TimeSpan Patience = WorkerUnderTest.Patience;

    [Fact]
    public async Task Worker_Connects_SendsExactRegisterFrameFirst()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var worker = new WorkerUnderTest(proxy.BaseUrl);

        var connection = await proxy.NextConnectionAsync(Patience);

        Assert.Equal(WorkerUnderTest.RegisterJson, await connection.NextTextAsync(Patience));
    }

    [Fact]
    public async Task Worker_Connects_SendsSecretOnlyInTheHeader()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var worker = new WorkerUnderTest(proxy.BaseUrl + "//");

        var connection = await proxy.NextConnectionAsync(Patience);

        Assert.Equal("top-secret", connection.Secret);
        Assert.Equal("/v1/worker/connect", connection.Path);
        Assert.Equal("?provider=openai", connection.QueryString);
        Assert.DoesNotContain("top-secret", connection.Path + connection.QueryString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_Ping_AnswersExactPong()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var worker = new WorkerUnderTest(proxy.BaseUrl);
        var connection = await proxy.NextConnectionAsync(Patience);
        await connection.NextTextAsync(Patience);

        await connection.SendTextAsync("""{"type":"ping"}""");

        Assert.Equal("""{"type":"pong","current_load":0}""", await connection.NextTextAsync(Patience));
    }

    [Fact]
    public async Task Worker_RequestFrame_GoesToTheRelayAndTheSessionGoesOn()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var worker = new WorkerUnderTest(proxy.BaseUrl);
        var connection = await proxy.NextConnectionAsync(Patience);
        await connection.NextTextAsync(Patience);

        await connection.SendTextAsync(
            """{"type":"request","request_id":"request-1","model":"llama-3.1-70b","endpoint_path":"/v1/chat/completions","is_streaming":true,"body":"{\"stream\":true}"}""");
        await connection.SendTextAsync("""{"type":"ping"}""");

        Assert.Equal("""{"type":"pong","current_load":0}""", await connection.NextTextAsync(Patience));
        Assert.Equal(["start request-1"], worker.Relays.Sessions.Single().Calls);
        Assert.False(connection.Completion.IsCompleted);
        Assert.False(proxy.TryTakeConnection(out _));
    }

    [Fact]
    public async Task Worker_Disposed_DropsTheSocket()
    {
        await using var proxy = await FakeProxy.StartAsync();
        var worker = new WorkerUnderTest(proxy.BaseUrl);
        var connection = await proxy.NextConnectionAsync(Patience);
        await connection.NextTextAsync(Patience);

        worker.Dispose();

        await connection.Completion.WaitAsync(Patience);
        Assert.NotEqual(WebSocketCloseStatus.NormalClosure, connection.CloseStatus);
    }
}
