using RxRelay.EndToEndTests.Infrastructure;
using Xunit.Abstractions;

namespace RxRelay.EndToEndTests.Faults;

/// <summary>
/// Fault: the worker process is killed (SIGKILL: the proxy sees the TCP connection drop). Rules: work that
/// has not sent a byte to its client is requeued and served once elsewhere; a stream that has started ends
/// with the <c>worker_disconnected</c> SSE error and is never replayed
/// (docs/differences-from-upstream.md#proxy-no-stream-replay).
/// </summary>
public sealed class WorkerKilledFaults(ITestOutputHelper output)
{
    [Fact]
    public async Task Queued_WorkerKilled_InFlightAndQueuedBothServedByReplacement()
    {
        await using var rig = await FaultRig.StartAsync(output);
        rig.FirstBackend.Handler = call => call.HoldAsync();
        var inFlight = rig.Cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        await rig.FirstBackend.WaitForCallAsync(1, Bounds.Prompt);
        var queued = rig.Cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        await rig.WaitForQueueDepthAsync(1);

        await rig.FirstWorker.KillAsync();
        await rig.StartSecondWorkerAsync();

        Assert.Equal((200, "second"), Outcome(await inFlight));
        Assert.Equal((200, "second"), Outcome(await queued));
        Assert.Equal(2, rig.SecondBackend.Calls.Count);
        await rig.AssertFollowUpServedAsync();
    }

    [Fact]
    public async Task BeforeFirstByte_WorkerKilled_StreamRequeuedAndDeliveredExactlyOnce()
    {
        await using var rig = await FaultRig.StartAsync(output);
        rig.FirstBackend.Handler = call => call.HoldAsync();
        // The proxy sends no headers before the first byte: the response is awaited only after the fault.
        var pending = rig.Cluster.PostAsync(Bodies.ChatPath, Bodies.Chat(stream: true));
        await rig.FirstBackend.WaitForCallAsync(1, Bounds.Prompt);
        await rig.StartSecondWorkerAsync();

        await rig.FirstWorker.KillAsync();

        await using var stream = new StreamingRead(await pending.WaitAsync(Bounds.Prompt));
        Assert.Equal(FaultRig.SecondStream, await stream.ReadToEndAsync(Bounds.Prompt));
        Assert.Equal(200, (int)stream.Response.StatusCode);
        Assert.Single(rig.SecondBackend.Calls);
        await rig.AssertFollowUpServedAsync();
    }

    [Fact]
    public async Task MidStream_WorkerKilled_ClientGetsWorkerDisconnectedEventAndNoReplay()
    {
        await using var rig = await FaultRig.StartAsync(output);
        rig.FirstBackend.Handler = async call =>
        {
            await call.StartStreamAsync();
            await call.WriteChunkAsync(Sse.ChatDelta("one"));
            await call.HoldAsync();
        };
        await using var stream = new StreamingRead(await rig.Cluster.PostAsync(Bodies.ChatPath, Bodies.Chat(stream: true)).WaitAsync(Bounds.Prompt));
        await stream.WaitForTextAsync(Sse.ChatDelta("one"), Bounds.Prompt);
        await rig.StartSecondWorkerAsync();

        await rig.FirstWorker.KillAsync();

        Assert.Equal(Sse.ChatDelta("one") + Sse.WorkerDisconnected, await stream.ReadToEndAsync(Bounds.Prompt));
        Assert.Empty(rig.SecondBackend.Calls);
        await rig.AssertFollowUpServedAsync();
    }

    [Fact]
    public async Task NonStreamingInFlight_WorkerKilled_RequeuedAndAnsweredOnceByReplacement()
    {
        await using var rig = await FaultRig.StartAsync(output);
        rig.FirstBackend.Handler = call => call.HoldAsync();
        var answer = rig.Cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        await rig.FirstBackend.WaitForCallAsync(1, Bounds.Prompt);
        await rig.StartSecondWorkerAsync();

        await rig.FirstWorker.KillAsync();

        Assert.Equal((200, "second"), Outcome(await answer));
        Assert.Equal(Bodies.Chat(stream: false), Assert.Single(rig.SecondBackend.Calls).Body);
        await rig.AssertFollowUpServedAsync();
    }

    internal static (int Status, string Body) Outcome((HttpResponseMessage Response, string Body) answer)
        => ((int)answer.Response.StatusCode, answer.Body);
}
