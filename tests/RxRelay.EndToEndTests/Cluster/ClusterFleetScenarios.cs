using System.Diagnostics;
using System.Globalization;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// Scenario 9: 1,000 raw upstream-style workers (<see cref="FleetWorker"/>, one model each) dial nginx and
/// spread over the three replicas; one replica is SIGKILLed. Exactly its workers dial again (each one new
/// session, nobody else disturbed), all 1,000 are registered on the two survivors, and a request for every
/// one of the 1,000 models through nginx is answered by its worker.
/// </summary>
[Collection(ClusterScenarios.Name)]
public sealed class ClusterFleetScenarios(ClusterDatabase database, ITestOutputHelper output) : IClassFixture<ClusterDatabase>
{
    private const int FleetSize = 1000;

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    [ClusterFact]
    public async Task Fleet1000ThroughNginx_OneReplicaKilled_ItsWorkersReRegisterOnSurvivors_EveryModelServed()
    {
        // Idle sockets are pinged after 5 s of silence, not 0.3 s: 1,000 of them on a 2-core box.
        var proxy = new ProxySettings { AdminToken = ClusterRig.AdminToken, HeartbeatInterval = TimeSpan.FromSeconds(5), HeartbeatTimeout = TimeSpan.FromSeconds(5) };
        await using var rig = await ClusterRig.StartAsync(output, database, new ClusterRigOptions { Proxy = proxy });
        var fleet = new List<FleetWorker>();
        try
        {
            var clock = Stopwatch.StartNew();
            for (var i = 1; i <= FleetSize; i++)
            {
                fleet.Add(FleetWorker.Start(rig.Nginx.Url, "fleet-" + i.ToString("D4", CultureInfo.InvariantCulture)));
            }

            await WaitForFleetAsync(fleet, rig.Replicas);
            output.WriteLine($"{FleetSize} workers registered in {clock.Elapsed.TotalSeconds:0.0} s");
            var victim = rig.Replicas[1];
            var moved = (await victim.WorkersAsync()).Select(w => w.Name).ToHashSet();
            Assert.NotEmpty(moved);

            await victim.KillAsync();
            clock.Restart();
            var survivors = rig.Replicas.Where(r => r != victim).ToArray();
            await WaitForFleetAsync(fleet, survivors);
            output.WriteLine($"{moved.Count} workers of {victim.Id} registered again in {clock.Elapsed.TotalSeconds:0.0} s");

            Assert.All(fleet, w => Assert.Equal(moved.Contains(w.Name) ? 2 : 1, w.Sessions));
            var answers = new (int Status, string Body)[FleetSize];
            await Parallel.ForEachAsync(Enumerable.Range(0, FleetSize), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
                answers[i] = await rig.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false, model: fleet[i].Name)));
            Assert.All(Enumerable.Range(0, FleetSize), i => Assert.Equal((200, fleet[i].Name), answers[i]));
        }
        finally
        {
            await Task.WhenAll(fleet.Select(w => w.DisposeAsync().AsTask()));
        }
    }

    /// <summary>Waits until every fleet worker is registered and <paramref name="replicas"/> list all of them.</summary>
    private static Task<TimeSpan> WaitForFleetAsync(List<FleetWorker> fleet, IReadOnlyList<Replica> replicas) =>
        Eventually.UntilAsync(
            async () => fleet.All(w => w.IsRegistered)
                && (await Task.WhenAll(replicas.Select(r => r.WorkersAsync()))).Sum(workers => workers.Count) == fleet.Count,
            Settle,
            $"{fleet.Count} workers registered on {string.Join(", ", replicas.Select(r => r.Id))}");
}
