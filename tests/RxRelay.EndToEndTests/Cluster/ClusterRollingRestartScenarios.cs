namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// Scenario 5: a rolling restart under steady load through nginx. Each replica in turn gets SIGTERM (its own
/// drain), and a new process starts under the same id and ports; the next one goes only once the new one is
/// in the directory and every replica sees the others. No request fails, and the directory ends with exactly
/// the three replicas, all <c>active</c>, each under a new epoch.
/// </summary>
[Collection(ClusterScenarios.Name)]
public sealed class ClusterRollingRestartScenarios(ClusterDatabase database, ITestOutputHelper output) : IClassFixture<ClusterDatabase>
{
    [ClusterFact]
    public async Task RollingRestartOfAllThree_UnderSteadyLoad_NoFailedRequest_ThreeActiveRowsAtTheEnd()
    {
        await using var rig = await ClusterRig.StartAsync(output, database);
        await rig.StartWorkerAsync("worker-1", maxConcurrency: 4);
        var before = (await rig.RowsAsync()).ToDictionary(r => r.ReplicaId, r => r.Epoch);
        await using var load = ClusterLoad.Start(rig.Http, loops: 3, Bounds.Startup);

        foreach (var replica in rig.Replicas)
        {
            Assert.Equal(0, await replica.TerminateAsync());
            await replica.StartAsync();
            await Eventually.UntilAsync(
                async () => (await rig.RowsAsync()).Any(r => r.ReplicaId == replica.Id && r.State == "active" && r.Epoch != before[replica.Id]),
                Bounds.Prompt,
                $"{replica.Id}'s new row");
            await rig.WaitForFullViewsAsync();
        }

        await rig.WhereIsAsync("worker-1");
        var outcomes = await load.StopAsync();
        var rows = await rig.RowsAsync();
        output.WriteLine($"{outcomes.Count} requests during the restarts, {outcomes.Count(o => !o.IsExpected)} failed");

        Assert.Equal(rig.Replicas.Select(r => r.Id).Order(), rows.Select(r => r.ReplicaId));
        Assert.All(rows, row => Assert.Equal("active", row.State));
        Assert.All(rows, row => Assert.NotEqual(before[row.ReplicaId], row.Epoch));
        Assert.All(rows, row => Assert.True(row.Age < TimeSpan.FromSeconds(5), $"{row.ReplicaId}'s heartbeat is {row.Age.TotalSeconds:0.0} s old"));
        Assert.All(outcomes, outcome => Assert.True(outcome.IsExpected, outcome.ToString()));
        Assert.True(outcomes.Count >= 30, $"only {outcomes.Count} requests were sent during the restarts");
    }
}
