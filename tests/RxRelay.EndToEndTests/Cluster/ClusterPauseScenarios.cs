using System.Diagnostics;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// Scenario 6: a replica without the worker is frozen (SIGSTOP) for 15 s under load through nginx. Its kernel
/// still accepts connections, so nginx learns of it only by its read timeout (3 s here) and then retries the
/// request on the next replica: no request waits longer than that timeout plus <see cref="Slack"/>, and every
/// one is answered 200. After SIGCONT the replica's heartbeat is fresh again and it serves requests (by
/// forwarding them to the worker) within <see cref="Rejoin"/>.
/// </summary>
[Collection(ClusterScenarios.Name)]
public sealed class ClusterPauseScenarios(ClusterDatabase database, ITestOutputHelper output) : IClassFixture<ClusterDatabase>
{
    private static readonly TimeSpan Frozen = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan NginxReadTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Rejoin = TimeSpan.FromSeconds(3);

    [ClusterFact]
    public async Task ReplicaStopped15s_NoRequestWaitsPastNginxTimeoutPlus2s_AfterContinueItRejoins()
    {
        await using var rig = await ClusterRig.StartAsync(output, database, new ClusterRigOptions { NginxReadTimeout = NginxReadTimeout });
        await rig.StartWorkerAsync("worker-1", maxConcurrency: 4);
        var holder = await rig.WhereIsAsync("worker-1");
        var frozen = rig.Replicas.First(r => r != holder);

        await using var load = ClusterLoad.Start(rig.Http, loops: 3, NginxReadTimeout + Slack + Bounds.Prompt);
        await frozen.PauseAsync();
        await Task.Delay(Frozen);
        var staleRow = (await rig.RowsAsync()).Single(r => r.ReplicaId == frozen.Id);
        await frozen.ResumeAsync();
        var resumed = Stopwatch.StartNew();
        await Eventually.UntilAsync(
            async () => (await rig.RowsAsync()).Single(r => r.ReplicaId == frozen.Id).Age < TimeSpan.FromSeconds(1.5),
            Bounds.Prompt,
            $"{frozen.Id}'s heartbeat fresh again");
        await Eventually.UntilAsync(
            async () => (await ClusterLoad.SendAsync(frozen.Http, ClusterRequest.Of(1), Bounds.Prompt)).IsExpected, Bounds.Prompt, $"{frozen.Id} serving again");
        var rejoined = resumed.Elapsed;
        var outcomes = await load.StopAsync();
        output.WriteLine($"{outcomes.Count} requests, slowest {outcomes.Max(o => o.Elapsed).TotalMilliseconds:0} ms; rejoined {rejoined.TotalMilliseconds:0} ms after SIGCONT");

        Assert.True(staleRow.Age > TimeSpan.FromSeconds(5), $"the frozen replica's heartbeat was only {staleRow.Age.TotalSeconds:0.0} s old");
        Assert.True(rejoined <= Rejoin, $"rejoined {rejoined.TotalMilliseconds:0} ms after SIGCONT");
        Assert.All(outcomes, outcome => Assert.True(outcome.IsExpected, outcome.ToString()));
        Assert.All(outcomes, outcome => Assert.True(outcome.Elapsed <= NginxReadTimeout + Slack, outcome.ToString()));
        Assert.True(outcomes.Count >= 20, $"only {outcomes.Count} requests were sent while it was frozen");
        Assert.Equal(ClusterBackend.Expected(ClusterRequest.Of(1)), (await ClusterLoad.SendAsync(frozen.Http, ClusterRequest.Of(1), Bounds.Prompt)).Body);
    }
}
