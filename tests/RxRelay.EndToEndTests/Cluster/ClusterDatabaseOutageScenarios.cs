using System.Diagnostics;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// Scenario 7: PostgreSQL stopped for 10 s. The replica that holds the worker keeps serving its own clients
/// with a key it had cached; once the database is back, every replica's row is fresh and forwarding works
/// again within 2 s.
/// </summary>
[Collection(ClusterScenarios.Name)]
public sealed class ClusterDatabaseOutageScenarios(ClusterDatabase database, ITestOutputHelper output) : IClassFixture<ClusterDatabase>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1.5);

    [ClusterFact]
    public async Task DatabaseDown10s_LocalDispatchAndCachedKeyKeepWorking_DirectoryConvergesWithin2sOfItsReturn()
    {
        var options = new ClusterRigOptions { Proxy = new ProxySettings { AdminToken = ClusterRig.AdminToken, RequireApiKeys = true } };
        await using var rig = await ClusterRig.StartAsync(output, database, options);
        await rig.StartWorkerAsync("worker-1");
        var holder = await rig.WhereIsAsync("worker-1");
        var other = rig.Replicas.First(r => r != holder);
        var (_, key) = await holder.CreateKeyAsync("outage");
        Assert.Equal(200, (await Send(holder, 1, key)).Status);
        Assert.Equal(200, (await Send(other, 0, key)).Status); // forwarded; the key is now cached on the other replica too

        await database.Server.StopAsync();
        var down = Stopwatch.StartNew();
        var during = new List<(int Status, string Body)>();
        while (down.Elapsed < Outage)
        {
            during.Add(await Send(holder, during.Count + 2, key));
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        await database.Server.StartAsync();
        var back = Stopwatch.StartNew();
        await Eventually.UntilAsync(
            async () => await rig.RowsAsync() is { Count: 3 } rows && rows.All(r => r.Age < Fresh), Bounds.Prompt, "every row fresh");
        var forwarded = await Send(other, 99, key);
        var converged = back.Elapsed;
        output.WriteLine($"{during.Count} requests during the outage; converged {converged.TotalMilliseconds:0} ms after the database's return");

        Assert.True(during.Count >= 20, $"only {during.Count} requests during the outage");
        Assert.All(during, answer => Assert.Equal(200, answer.Status));
        Assert.Equal((200, ClusterBackend.Expected(ClusterRequest.Of(99))), forwarded);
        Assert.True(converged <= Convergence, $"converged {converged.TotalMilliseconds:0} ms after the database came back");
    }

    private static Task<(int Status, string Body)> Send(Replica replica, int number, string key)
    {
        var request = ClusterRequest.Of(number);
        return replica.SendAsync(request.Path, request.Body, key);
    }
}
