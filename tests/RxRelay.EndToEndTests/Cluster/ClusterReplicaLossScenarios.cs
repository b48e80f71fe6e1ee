using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// Scenarios 2 and 3: a replica is SIGKILLed. When it held the worker, requests queued on the other replicas
/// are served once the worker is back through nginx (within 5 s), and streams that were flowing through the
/// others end with the SSE error event, neither hung nor replayed. When it only faced clients, their
/// connections break (or nginx retries them elsewhere, where nothing was sent), and the worker's slot it
/// used is free again within 1 s.
/// </summary>
[Collection(ClusterScenarios.Name)]
public sealed partial class ClusterReplicaLossScenarios(ClusterDatabase database, ITestOutputHelper output) : IClassFixture<ClusterDatabase>
{
    [ClusterFact]
    public async Task WorkerReplicaKilled_QueuedOnOthersServedWithin5s_FlowingStreamsEndWithSseError()
    {
        await using var rig = await ClusterRig.StartAsync(output, database);
        var worker = await rig.StartWorkerAsync("worker-1", maxConcurrency: 2);
        var holder = await rig.WhereIsAsync("worker-1");
        var others = rig.Replicas.Where(r => r != holder).ToArray();
        rig.Backend.Handler = ClusterBackend.HoldStreamsAsync;
        var streamRequests = new[] { ClusterRequest.Of(2), ClusterRequest.Of(4) };
        var streams = new List<StreamingRead>();
        for (var i = 0; i < 2; i++)
        {
            streams.Add(new StreamingRead(await others[i].PostAsync(streamRequests[i].Path, streamRequests[i].Body).WaitAsync(Bounds.Prompt)));
            await streams[i].WaitForTextAsync(ClusterBackend.FirstPiece(streamRequests[i]), Bounds.Prompt);
        }

        var queuedRequests = new[] { ClusterRequest.Of(1), ClusterRequest.Of(3), ClusterRequest.Of(5), ClusterRequest.Of(7) };
        var queued = queuedRequests.Select((r, i) => ClusterLoad.SendAsync(others[i % 2].Http, r, Bounds.Startup)).ToArray();
        await Eventually.UntilAsync(async () => await others[0].QueueDepthAsync() == 2 && await others[1].QueueDepthAsync() == 2, Bounds.Prompt, "two queued on each other replica");

        await holder.KillAsync();
        var killed = Stopwatch.StartNew();
        var served = await Task.WhenAll(queued);
        var allServed = killed.Elapsed;
        output.WriteLine($"queued requests all served {allServed.TotalMilliseconds:0} ms after the kill");
        var ended = await Task.WhenAll(streams.Select(s => s.ReadToEndAsync(Bounds.Prompt)));

        Assert.All(served, outcome => Assert.True(outcome.IsExpected, outcome.ToString()));
        Assert.True(allServed < TimeSpan.FromSeconds(5), $"the queued requests were served {allServed.TotalMilliseconds:0} ms after the kill");
        for (var i = 0; i < 2; i++)
        {
            var first = ClusterBackend.FirstPiece(streamRequests[i]);
            Assert.StartsWith(first, ended[i], StringComparison.Ordinal);
            Assert.Matches(SseError(), ended[i][first.Length..]);
        }

        Assert.Contains(await rig.WhereIsAsync("worker-1"), others);
        Assert.False(worker.HasExited);
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }
    }

    [ClusterFact]
    public async Task ClientFacingReplicaKilled_DirectClientsBreak_NginxRetriesTheUnanswered_SlotFreeWithin1s()
    {
        await using var rig = await ClusterRig.StartAsync(output, database);
        await rig.StartWorkerAsync("worker-1", maxConcurrency: 1);
        var holder = await rig.WhereIsAsync("worker-1");
        var victim = rig.Replicas.First(r => r != holder);
        rig.Backend.Handler = call => call.HoldAsync();

        // R1 runs on the worker, forwarded by the victim; R2 waits in the victim's queue; three more go through
        // nginx, one by one, and wait wherever round robin put them (one of them on the victim).
        var forwarded = ClusterLoad.SendAsync(victim.Http, ClusterRequest.Of(1), Bounds.Startup);
        var held = await rig.Backend.WaitForCallAsync(1, Bounds.Prompt);
        var queuedOnVictim = ClusterLoad.SendAsync(victim.Http, ClusterRequest.Of(3), Bounds.Startup);
        await Eventually.UntilAsync(async () => await victim.QueueDepthAsync() == 1, Bounds.Prompt, "R2 queued on the victim");
        var viaNginx = new List<Task<RequestOutcome>>();
        for (var n = 5; n <= 9; n += 2)
        {
            viaNginx.Add(ClusterLoad.SendAsync(rig.Http, ClusterRequest.Of(n), Bounds.Startup));
            var expected = viaNginx.Count + 1;
            await Eventually.UntilAsync(async () => (await Task.WhenAll(rig.Replicas.Select(r => r.QueueDepthAsync()))).Sum() == expected, Bounds.Prompt, $"{expected} queued");
        }

        var onVictim = await victim.QueueDepthAsync();
        rig.Backend.Handler = ClusterBackend.AnswerAsync;
        await victim.KillAsync();
        var killed = Stopwatch.StartNew();
        // The slot R1 held is free when the next request runs on it (one waits on the holder or on the third replica).
        await rig.Backend.WaitForCallAsync(2, Bounds.Prompt);
        var slotFree = killed.Elapsed;
        output.WriteLine($"the slot ran its next request {slotFree.TotalMilliseconds:0} ms after the kill");

        Assert.Equal(2, onVictim); // R2 and the nginx request round robin gave it
        Assert.True(slotFree <= TimeSpan.FromSeconds(1), $"the slot ran its next request {slotFree.TotalMilliseconds:0} ms after the kill");
        await held.Aborted.WaitAsync(Bounds.Prompt);
        Assert.Matches("^HttpRequestException: ", (await forwarded).Error);
        Assert.Matches("^HttpRequestException: ", (await queuedOnVictim).Error);
        Assert.All(await Task.WhenAll(viaNginx), outcome => Assert.True(outcome.IsExpected, outcome.ToString()));

        var after = await ClusterLoad.RunAsync(rig.Http, [.. Enumerable.Range(11, 9).Select(ClusterRequest.Of)], degree: 3);
        Assert.All(after, outcome => Assert.True(outcome.IsExpected, outcome.ToString()));
        // R1 once (aborted), R2 never, each nginx request exactly once.
        Assert.Equal(1 + 3 + 9, rig.Backend.Calls.Count);
    }

    [GeneratedRegex("""^event: error\ndata: \{"error":\{"type":"(worker_disconnected|service_unavailable)","message":"[^"]*"\}\}\n\n$""")]
    private static partial Regex SseError();
}
