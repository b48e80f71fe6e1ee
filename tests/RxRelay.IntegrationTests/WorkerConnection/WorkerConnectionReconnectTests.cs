using System.Net.WebSockets;
using RxRelay.IntegrationTests.FakeProxies;

namespace RxRelay.IntegrationTests.WorkerConnection;

public sealed class WorkerConnectionReconnectTests
{
    private static readonly TimeSpan Patience = WorkerUnderTest.Patience;

    [Fact]
    public async Task Worker_SilentProxy_ReconnectsAfterTheIdleTimeout()
    {
        await using var proxy = await FakeProxy.StartAsync();
        using var worker = new WorkerUnderTest(proxy.BaseUrl, idleTimeout: TimeSpan.FromSeconds(0.5), initialBackoff: TimeSpan.FromMilliseconds(100));
        var first = await proxy.NextConnectionAsync(Patience);

        var second = await proxy.NextConnectionAsync(Patience);

        await first.Completion.WaitAsync(Patience);
        // 0.5 s idle + 0.1 s backoff, less 50 ms of handshake jitter between the two accept times.
        Assert.True(second.AcceptedAt - first.AcceptedAt >= TimeSpan.FromMilliseconds(550), $"gap {second.AcceptedAt - first.AcceptedAt}");
        Assert.Equal(WorkerUnderTest.RegisterJson, await second.NextTextAsync(Patience));
    }

    [Fact]
    public async Task Worker_ProxyKeepsPinging_StaysOnOneConnection()
    {
        await using var proxy = await FakeProxy.StartAsync(async connection =>
        {
            for (var i = 0; i < 8 && !connection.Completion.IsCompleted; i++)
            {
                await connection.SendTextAsync("""{"type":"ping"}""");
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        });
        using var worker = new WorkerUnderTest(proxy.BaseUrl, idleTimeout: TimeSpan.FromSeconds(1.5), initialBackoff: TimeSpan.FromMilliseconds(100));
        var connection = await proxy.NextConnectionAsync(Patience);

        for (var i = 0; i < 9; i++)
            await connection.NextTextAsync(Patience);

        Assert.False(proxy.TryTakeConnection(out _));
    }

    [Fact]
    public async Task Worker_RejectedWith1008_RetriesWithGrowingGaps()
    {
        await using var proxy = await FakeProxy.StartAsync(async connection =>
        {
            await connection.NextTextAsync(Patience);
            await connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, "worker authentication failed");
        });
        using var worker = new WorkerUnderTest(proxy.BaseUrl, initialBackoff: TimeSpan.FromMilliseconds(300));

        var accepted = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
            accepted.Add((await proxy.NextConnectionAsync(Patience)).AcceptedAt);

        // Accept times carry handshake jitter on both ends of a gap, hence the 50 ms slack on the lower bounds.
        var gaps = accepted.Zip(accepted.Skip(1), (a, b) => b - a).ToList();
        var shown = $"gaps {string.Join(", ", gaps)}";
        Assert.True(gaps[0] >= TimeSpan.FromMilliseconds(250), shown);
        Assert.True(gaps[1] >= TimeSpan.FromMilliseconds(550) && gaps[1] > gaps[0], shown);
        Assert.True(gaps[2] >= TimeSpan.FromMilliseconds(1150) && gaps[2] > gaps[1], shown);
    }
}
