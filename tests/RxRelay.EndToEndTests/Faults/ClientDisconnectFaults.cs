namespace RxRelay.EndToEndTests.Faults;

/// <summary>
/// Fault: the client walks away. Rules: a queued request just leaves the queue (no worker ever sees it); an
/// in-flight one is cancelled, the backend sees its connection closed, and the slot is free for the very next
/// request (docs/differences-from-upstream.md#worker-cancel-completes: the worker completes cancelled
/// requests).
/// </summary>
public sealed class ClientDisconnectFaults(ITestOutputHelper output)
{
    [Fact]
    public async Task Queued_ClientLeaves_RequestNeverReachesABackend()
    {
        await using var rig = await FaultRig.StartAsync(output);
        var (inFlight, held) = await rig.SendHeldAsync(stream: false);
        using var leave = new CancellationTokenSource();
        var queued = rig.Cluster.PostAsync(Bodies.ChatPath, Bodies.Messages(stream: false, model: Bodies.OpenAiModel), cancellationToken: leave.Token);
        await rig.WaitForQueueDepthAsync(1);

        await leave.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        await rig.WaitForQueueDepthAsync(0);
        held.Release();
        await inFlight;
        await rig.AssertFollowUpServedAsync();
        Assert.DoesNotContain(rig.FirstBackend.Calls, call => call.Path == Bodies.MessagesPath);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BeforeFirstByte_ClientLeaves_BackendConnectionClosedAndSlotFreed(bool streaming)
    {
        await using var rig = await FaultRig.StartAsync(output);
        using var leave = new CancellationTokenSource();
        var (pending, call) = await rig.PostHeldAsync(streaming, leave.Token);

        await leave.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await call.Aborted.WaitAsync(TimeSpan.FromSeconds(2));
        await rig.AssertFollowUpServedAsync();
    }

    [Fact]
    public async Task MidStream_ClientLeaves_BackendConnectionClosedAndSlotFreed()
    {
        await using var rig = await FaultRig.StartAsync(output);
        var stream = await rig.StartHeldStreamAsync();

        await stream.AbortAsync();

        await rig.FirstBackend.Calls[0].Aborted.WaitAsync(TimeSpan.FromSeconds(2));
        await rig.AssertFollowUpServedAsync();
    }
}
