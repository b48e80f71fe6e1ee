using System.Diagnostics;

namespace RxRelay.EndToEndTests.Faults;

/// <summary>
/// Fault: worker 1's link is silently blackholed (no FIN, no RST: a NAT forgot the flow). Only the
/// proxy's heartbeat can notice (ping after 0.3 s of silence, removal 0.5 s later); then the same rules
/// as a dead worker apply: not-started work is requeued, a started stream ends with
/// <c>worker_disconnected</c>.
/// </summary>
public sealed class BlackholeFaults(ITestOutputHelper output)
{
    // Heartbeat interval + timeout, plus scheduling slack on a loaded 2-core box.
    private static readonly TimeSpan Detection = Bounds.HeartbeatInterval + Bounds.HeartbeatTimeout + TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Queued_LinkBlackholed_InFlightRequeuedAndBothServedByReplacement()
    {
        await using var rig = await FaultRig.StartAsync(output, throughRelay: true);
        var (inFlight, _, queued) = await rig.HoldOneQueueOneAsync();

        rig.Relay!.Blackhole();
        await rig.Cluster.WaitForWorkersAsync(0, Detection);
        await rig.StartSecondWorkerAsync();

        Assert.Equal((200, "second"), FaultRig.Outcome(await inFlight));
        Assert.Equal((200, "second"), FaultRig.Outcome(await queued));
        await rig.AssertFollowUpServedAsync();
    }

    [Fact]
    public async Task BeforeFirstByte_LinkBlackholed_StreamRequeuedAndDeliveredExactlyOnce()
    {
        await using var rig = await FaultRig.StartAsync(output, throughRelay: true);
        // The proxy sends no headers before the first byte: the response is awaited only after the fault.
        var (pending, _) = await rig.PostHeldAsync(stream: true);
        await rig.StartSecondWorkerAsync();

        var clock = Stopwatch.StartNew();
        rig.Relay!.Blackhole();

        await using var stream = new StreamingRead(await pending.WaitAsync(Bounds.Prompt));
        Assert.Equal(FaultRig.SecondStream, await stream.ReadToEndAsync(Bounds.Prompt));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Detection);
        Assert.Single(rig.SecondBackend.Calls);
        await rig.AssertFollowUpServedAsync();
    }

    [Fact]
    public async Task MidStream_LinkBlackholed_ClientGetsWorkerDisconnectedEventWithinHeartbeatWindow()
    {
        await using var rig = await FaultRig.StartAsync(output, throughRelay: true);
        await using var stream = await rig.StartHeldStreamAsync();
        await rig.StartSecondWorkerAsync();

        var clock = Stopwatch.StartNew();
        rig.Relay!.Blackhole();

        Assert.Equal(Sse.ChatDelta("one") + Sse.WorkerDisconnected, await stream.ReadToEndAsync(Bounds.Prompt));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Detection);
        Assert.Empty(rig.SecondBackend.Calls);
        await rig.AssertFollowUpServedAsync();
    }

    [Fact]
    public async Task NonStreamingInFlight_LinkBlackholed_RequeuedWithinHeartbeatWindowAndAnsweredOnce()
    {
        await using var rig = await FaultRig.StartAsync(output, throughRelay: true);
        var (answer, _) = await rig.SendHeldAsync(stream: false);
        await rig.StartSecondWorkerAsync();

        var clock = Stopwatch.StartNew();
        rig.Relay!.Blackhole();

        Assert.Equal((200, "second"), FaultRig.Outcome(await answer));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Detection);
        Assert.Single(rig.SecondBackend.Calls);
        await rig.AssertFollowUpServedAsync();
    }
}
