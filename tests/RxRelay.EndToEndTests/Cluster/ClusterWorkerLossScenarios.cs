using System.Diagnostics;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// Scenario 4: a forwarded request whose worker dies before the first byte (its backend holds the request,
/// then the worker process is SIGKILLed) is handed to a second worker on another replica and answered
/// whole, once, within its deadline.
/// </summary>
[Collection(ClusterScenarios.Name)]
public sealed class ClusterWorkerLossScenarios(ClusterDatabase database, ITestOutputHelper output) : IClassFixture<ClusterDatabase>
{
    private const int RequestTimeoutSecs = 10;

    [ClusterFact]
    public async Task WorkerKilledBeforeFirstByte_SecondWorkerOnAnotherReplicaServesIt_WithinDeadline()
    {
        var options = new ClusterRigOptions { Proxy = new ProxySettings { AdminToken = ClusterRig.AdminToken, RequestTimeoutSecs = RequestTimeoutSecs } };
        await using var rig = await ClusterRig.StartAsync(output, database, options);
        var second = rig.Own(await ClusterBackend.StartAsync());
        var first = await rig.StartWorkerAsync("worker-1");
        var firstOn = await rig.WhereIsAsync("worker-1");
        var entry = rig.Replicas.First(r => r != firstOn);
        rig.Backend.Handler = call => call.HoldAsync();
        var request = ClusterRequest.Of(2); // streaming: nothing of it may reach the client twice

        var sent = Stopwatch.StartNew();
        var answer = ClusterLoad.SendAsync(entry.Http, request, Bounds.Startup);
        var held = await rig.Backend.WaitForCallAsync(1, Bounds.Prompt);
        var (_, secondOn) = await rig.StartWorkerAvoidingAsync("worker-2", [firstOn], backend: second.BaseAddress);
        await first.KillAsync();
        var outcome = await answer;
        output.WriteLine($"answered {sent.Elapsed.TotalMilliseconds:0} ms after it was sent");

        Assert.True(outcome.IsExpected, outcome.ToString());
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(RequestTimeoutSecs), $"answered after {sent.Elapsed.TotalMilliseconds:0} ms");
        Assert.NotEqual(firstOn, secondOn);
        Assert.Equal(request.Body, Assert.Single(second.Calls).Body);
        Assert.Equal(request.Body, Assert.Single(rig.Backend.Calls).Body);
        await held.Aborted.WaitAsync(Bounds.Prompt);
    }
}
