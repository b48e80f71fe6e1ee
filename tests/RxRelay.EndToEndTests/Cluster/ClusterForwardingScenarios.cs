using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// Scenario 1: one worker behind three replicas. Requests through nginx land round robin, so two thirds reach a
/// replica without the worker and are forwarded to the one that holds it; every answer is exactly what the
/// worker's own replica gives alone, and every replica lists the worker's models within 1 s of its
/// registration.
/// </summary>
[Collection(ClusterScenarios.Name)]
public sealed partial class ClusterForwardingScenarios(ClusterDatabase database, ITestOutputHelper output) : IClassFixture<ClusterDatabase>
{
    private const int RequestCount = 300;

    [ClusterFact]
    public async Task OneWorker_300MixedRequestsThroughNginx_All200_SameBodiesAsOneReplica_TwoThirdsForwarded()
    {
        await using var rig = await ClusterRig.StartAsync(output, database);
        await rig.StartWorkerAsync("worker-1", maxConcurrency: 16);
        var registered = Stopwatch.StartNew();
        var converged = await ModelsConvergedAsync(rig);
        var afterRegistration = registered.Elapsed;
        output.WriteLine($"/v1/models converged={converged} after {afterRegistration.TotalMilliseconds:0} ms");
        var holder = await rig.WhereIsAsync("worker-1");
        var requests = ClusterRequest.Mixed(RequestCount);

        var alone = await ClusterLoad.RunAsync(holder.Http, requests, degree: 8);
        var accessBefore = ForwardedLines(rig.Nginx.AccessLog()).Count;
        var throughNginx = await ClusterLoad.RunAsync(rig.Http, requests, degree: 12);

        Assert.All(alone, outcome => Assert.True(outcome.IsExpected, outcome.ToString()));
        Assert.All(throughNginx, outcome => Assert.True(outcome.IsExpected, outcome.ToString()));
        Assert.Equal(alone.Select(o => o.Body), throughNginx.Select(o => o.Body));
        var upstreams = ForwardedLines(rig.Nginx.AccessLog()).Skip(accessBefore).Select(UpstreamOf).ToList();
        Assert.Equal(RequestCount, upstreams.Count);
        Assert.All(rig.Replicas, r => Assert.Equal(RequestCount / 3, upstreams.Count(u => u == $"127.0.0.1:{r.ApiPort}")));
        Assert.Equal(RequestCount * 2 / 3, upstreams.Count(u => u != $"127.0.0.1:{holder.ApiPort}"));
        Assert.Equal(2 * RequestCount, rig.Backend.Calls.Count);
        Assert.True(converged, $"/v1/models was not the same on every replica, with the worker's models, {afterRegistration.TotalMilliseconds:0} ms after the registration");
        Assert.True(afterRegistration <= TimeSpan.FromSeconds(1), $"/v1/models converged {afterRegistration.TotalMilliseconds:0} ms after the registration");
    }

    /// <summary>
    /// Polls every replica's <c>/v1/models</c> until all are the same and list the worker's models; false after a
    /// bound (asserted at the end, so the forwarding checks still run and report).
    /// </summary>
    private static async Task<bool> ModelsConvergedAsync(ClusterRig rig)
    {
        try
        {
            await Eventually.UntilAsync(
                async () => await Task.WhenAll(rig.Replicas.Select(r => r.ModelsAsync())) is var catalogs
                    && catalogs.Distinct().Count() == 1
                    && ClusterRig.Models.All(m => catalogs[0].Contains($"\"id\":\"{m}\"", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(3),
                "/v1/models identical on every replica, with the worker's models");
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static List<string> ForwardedLines(string accessLog) =>
        [.. accessLog.Split('\n').Where(l => l.Contains("\"POST /v1/", StringComparison.Ordinal))];

    private static string UpstreamOf(string line) => Upstream().Match(line).Groups[1].Value;

    [GeneratedRegex("upstream=(.*?) upstream_status=")]
    private static partial Regex Upstream();
}
