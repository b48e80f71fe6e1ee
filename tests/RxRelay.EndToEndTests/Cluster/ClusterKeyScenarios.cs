namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// Scenario 8: client API keys live in the shared database; a key created through one replica's admin API
/// is accepted by another within 1 s, and a key revoked through one is refused (401) by every replica
/// within 1 s.
/// </summary>
[Collection(ClusterScenarios.Name)]
public sealed class ClusterKeyScenarios(ClusterDatabase database, ITestOutputHelper output) : IClassFixture<ClusterDatabase>
{
    private const string InvalidKey = """{"error":{"type":"auth_error","message":"Invalid API key"}}""";

    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(1);

    [ClusterFact]
    public async Task KeyCreatedOnOneReplica_WorksOnAnotherWithin1s_RevokedOnOne_401OnEveryReplica()
    {
        var options = new ClusterRigOptions { Proxy = new ProxySettings { AdminToken = ClusterRig.AdminToken, RequireApiKeys = true } };
        await using var rig = await ClusterRig.StartAsync(output, database, options);
        await rig.StartWorkerAsync("worker-1");
        var holder = await rig.WhereIsAsync("worker-1");
        var admin = rig.Replicas.First(r => r != holder);
        var request = ClusterRequest.Of(3);

        var (id, secret) = await admin.CreateKeyAsync("cluster-e2e");
        var accepted = await Eventually.UntilAsync(
            async () => (await holder.SendAsync(request.Path, request.Body, secret)).Status == 200, Bounds.Prompt, $"the key accepted by {holder.Id}");

        Assert.True(accepted <= Propagation, $"the key was accepted by {holder.Id} after {accepted.TotalMilliseconds:0} ms");
        Assert.Equal(200, (await holder.SendAsync(request.Path, request.Body, secret)).Status);

        Assert.Equal(204, await admin.RevokeKeyAsync(id));
        var refused = await Task.WhenAll(rig.Replicas.Select(r => Eventually.UntilAsync(
            async () => await r.SendAsync(request.Path, request.Body, secret) == (401, InvalidKey), Bounds.Prompt, $"the key refused by {r.Id}")));

        output.WriteLine($"accepted after {accepted.TotalMilliseconds:0} ms; refused after {string.Join(", ", refused.Select(e => $"{e.TotalMilliseconds:0}"))} ms");
        Assert.All(refused, elapsed => Assert.True(elapsed <= Propagation, $"refused after {elapsed.TotalMilliseconds:0} ms"));
        Assert.All(await Task.WhenAll(rig.Replicas.Select(r => r.SendAsync(request.Path, request.Body, secret))), answer => Assert.Equal((401, InvalidKey), answer));
    }
}
