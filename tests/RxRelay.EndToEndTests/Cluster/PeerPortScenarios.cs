using System.Text;
using System.Text.Json;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// Scenario 10, the peer port as a real process serves it: a forward without the right
/// <c>x-rxrelay-peer-secret</c> is 401 and runs nothing; a forward reaching a replica without a free worker
/// is refused 503 <c>no-capacity</c> and never forwarded again, although another replica has a free worker
/// (which the same envelope, sent there, proves).
/// </summary>
[Collection(ClusterScenarios.Name)]
public sealed class PeerPortScenarios(ClusterDatabase database, ITestOutputHelper output) : IClassFixture<ClusterDatabase>
{
    [ClusterFact]
    public async Task Forward_MissingOrWrongSecret_401Unauthorized_NothingRuns()
    {
        await using var rig = await ClusterRig.StartAsync(output, database);
        await rig.StartWorkerAsync("worker-1");
        var holder = await rig.WhereIsAsync("worker-1");

        var missing = await ForwardAsync(holder, Envelope("peer-no-secret"), secret: null);
        var wrong = await ForwardAsync(holder, Envelope("peer-wrong-secret"), secret: ClusterRig.PeerSecret + "x");

        Assert.Equal((401, "unauthorized", ""), missing);
        Assert.Equal((401, "unauthorized", ""), wrong);
        Assert.Empty(rig.Backend.Calls);
    }

    [ClusterFact]
    public async Task Forward_ToReplicaWithoutFreeWorker_503NoCapacity_NotForwardedAgain()
    {
        await using var rig = await ClusterRig.StartAsync(output, database);
        await rig.StartWorkerAsync("worker-1");
        var holder = await rig.WhereIsAsync("worker-1");
        var empty = rig.Replicas.First(r => r != holder);
        const string Id = "peer-refused-once";

        var refused = await ForwardAsync(empty, Envelope(Id), ClusterRig.PeerSecret);
        await Task.Delay(Bounds.Quiet); // a second hop, had there been one, would have reached the backend by now

        Assert.Equal((503, "no-capacity", "No worker has a free slot now\n"), refused);
        Assert.Empty(rig.Backend.Calls);
        Assert.Equal(
            [$"peer forward request_id={Id} refused: no-capacity"],
            [.. LinesAbout(empty, Id).Select(l => l[l.IndexOf("peer forward", StringComparison.Ordinal)..])]);
        Assert.All(rig.Replicas.Where(r => r != empty), r => Assert.Empty(LinesAbout(r, Id)));

        // The same envelope where the worker is: it runs, so the refusal above was the rule, not a bad envelope.
        var served = await ForwardAsync(holder, Envelope("peer-served"), ClusterRig.PeerSecret);
        Assert.Equal(200, served.Status);
        Assert.Single(rig.Backend.Calls);
    }

    private static string Envelope(string requestId)
    {
        var body = Bodies.Chat(stream: false);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = 1,
            ["request_id"] = requestId,
            ["provider"] = "local",
            ["endpoint"] = Bodies.ChatPath,
            ["model"] = Bodies.OpenAiModel,
            ["stream"] = false,
            ["headers"] = new Dictionary<string, string> { ["content-type"] = "application/json" },
            ["body"] = body,
            ["deadline_ms"] = 10_000,
        });
    }

    private static async Task<(int Status, string Refusal, string Body)> ForwardAsync(Replica replica, string envelope, string? secret)
    {
        using var http = new HttpClient { BaseAddress = replica.PeerUrl, Timeout = Bounds.Prompt };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/peer/v1/forward") { Content = new StringContent(envelope, Encoding.UTF8, "application/json") };
        if (secret is not null)
        {
            request.Headers.TryAddWithoutValidation("x-rxrelay-peer-secret", secret);
        }

        using var response = await http.SendAsync(request);
        var refusal = response.Headers.TryGetValues("x-rxrelay-refusal", out var values) ? string.Join(",", values) : "";
        return ((int)response.StatusCode, refusal, await response.Content.ReadAsStringAsync());
    }

    private static IReadOnlyList<string> LinesAbout(Replica replica, string requestId) =>
        [.. replica.Process.Lines.Where(l => l.Contains(requestId, StringComparison.Ordinal))];
}
