using System.Text;
using RxRelay.IntegrationTests.FakeProxies;
using RxRelay.Worker.Connection;

namespace RxRelay.IntegrationTests.WorkerConnection;

/// <summary>The real link over real Kestrel: a corked batch still arrives as separate, whole, ordered messages.</summary>
public sealed class WebsocketProxyLinkBatchTests
{
    private static readonly TimeSpan Patience = WorkerUnderTest.Patience;

    [Fact]
    public async Task SendMany_EveryFrameArrivesAsItsOwnMessage_InOrder_AndSingleSendsStillWork()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var link = new WebsocketProxyLink(new Uri(ProxyUrl.ForWorker(proxy.BaseUrl, "openai")), "top-secret");
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var events = link.Open().Subscribe(e =>
        {
            if (e is LinkEvent.Opened)
                opened.TrySetResult();
        }, _ => { });
        await opened.Task.WaitAsync(Patience);
        var connection = await proxy.NextConnectionAsync(Patience);
        string[] batch =
        [
            """{"type":"pong","current_load":1}""",
            $$"""{"type":"response_chunk","request_id":"r","chunk":"{{new string('a', 100_000)}}"}""",
            """{"type":"pong","current_load":2}""",
        ];

        Assert.True(link.CoalescesWrites);
        await link.SendManyAsync([.. batch.Select(frame => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(frame))], CancellationToken.None);
        await link.SendAsync(Encoding.UTF8.GetBytes("""{"type":"pong","current_load":3}"""), CancellationToken.None);

        foreach (var expected in batch)
            Assert.Equal(expected, await connection.NextTextAsync(Patience));
        Assert.Equal("""{"type":"pong","current_load":3}""", await connection.NextTextAsync(Patience));
        Assert.Equal("top-secret", connection.Secret);
    }
}
