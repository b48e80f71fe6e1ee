using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// Issue 12 items 7 and 8 end to end on real Kestrel, with <see cref="FakeWorkerSocket"/>s as workers:
/// a flood of requests for a model nobody serves (docs/protocol.md#queue) and a worker that takes
/// streaming requests and never answers (docs/protocol.md#outlier-ejection). Each prints its figure.
/// </summary>
public sealed class DispatchHealthTests(ITestOutputHelper output)
{
    [Fact]
    public async Task QueueFlood_UnservedModel_LegitimateRequestsAllServed()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { QueueTimeout = TimeSpan.FromSeconds(20) });
        await using var worker = await RegisterAsync(host, "gpu", max: 4);
        using var answering = new CancellationTokenSource();
        var answers = AnswerEveryRequestAsync(worker, answering.Token);
        using var http = host.CreateClient();

        var flood = Enumerable.Range(0, 100).Select(i => PostAsync(http, $"ghost-{i}", streaming: false)).ToList();
        await ProxyTestHost.EventuallyAsync(
            () => Task.FromResult(flood.Count(t => t.IsCompleted) == 75 && host.Dispatcher.GetSnapshot().TotalQueueDepth == 25),
            "75 flood requests refused, 25 queued");
        // 200 legitimate requests, at most 50 at a time: the queue never needs more than 50 places.
        var legit = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 4; i++) statuses.Add((await PostAsync(http, "llama", streaming: false)).Status);
            return statuses;
        }));
        var refused = flood.Where(t => t.IsCompleted).Select(t => t.Result).ToList();

        var ok = legit.SelectMany(s => s).Count(s => s == HttpStatusCode.OK);
        output.WriteLine($"legitimate requests served during the flood: {ok} of 200; flood: {refused.Count} refused at once, 25 queued");
        Assert.Equal(200, ok);
        Assert.All(refused, r => Assert.Equal((HttpStatusCode.ServiceUnavailable, "No workers available to handle request\n"), r));
        answering.Cancel();
        await answers;
    }

    [Fact]
    public async Task StuckWorker_BesideHealthy_EjectedAndRequestsServedByHealthy()
    {
        await using var host = await ProxyTestHost.StartAsync(o => o with { WorkerFirstEventTimeout = TimeSpan.FromSeconds(1) });
        await using var stuck = await RegisterAsync(host, "stuck", max: 100);
        await using var healthy = await RegisterAsync(host, "healthy", max: 100);
        using var answering = new CancellationTokenSource();
        var answers = AnswerEveryRequestAsync(healthy, answering.Token);
        using var http = host.CreateClient();

        var first = PostAsync(http, "llama", streaming: true);
        Assert.Equal("request", Field(await stuck.ReceiveTextAsync(), "type"));
        var taken = Stopwatch.StartNew();
        var firstAnswer = await first;
        var ejectionTime = taken.Elapsed;
        var cancel = await stuck.ReceiveTextAsync();
        var rest = await Task.WhenAll(Enumerable.Range(0, 49).Select(_ => PostAsync(http, "llama", streaming: true)));

        output.WriteLine($"ejection time (stuck worker takes request-1 → client has the healthy worker's answer): {ejectionTime.TotalMilliseconds:F0} ms");
        Assert.Equal((HttpStatusCode.OK, Sse), firstAnswer);
        Assert.Equal("""{"type":"cancel","request_id":"request-1","reason":"timeout"}""", cancel);
        Assert.InRange(ejectionTime, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.All(rest, r => Assert.Equal((HttpStatusCode.OK, Sse), r));
        await stuck.AssertSilentAsync(TimeSpan.FromMilliseconds(300)); // ejected: nothing more, socket kept
        answering.Cancel();
        await answers;
    }

    private const string Sse = "data: {\"ok\":true}\n\n";

    private static async Task<FakeWorkerSocket> RegisterAsync(ProxyTestHost host, string name, uint max)
    {
        var worker = await FakeWorkerSocket.ConnectAsync(host.WorkerUri(), ProxyTestHost.Secret);
        worker.AutoPongLoad = 0;
        await worker.SendRegisterAsync(name, ["llama"], max);
        Assert.Equal("register_ack", Field(await worker.ReceiveTextAsync(), "type"));
        return worker;
    }

    /// <summary>A healthy worker: every request answered at once (a chunk when streaming, then the completion).</summary>
    private static async Task AnswerEveryRequestAsync(FakeWorkerSocket worker, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            ReceivedFrame frame;
            try
            {
                frame = await worker.ReceiveAsync(TimeSpan.FromMilliseconds(200));
            }
            catch (OperationCanceledException)
            {
                continue;
            }

            if (frame.Type != System.Net.WebSockets.WebSocketMessageType.Text || Field(frame.Text, "type") != "request") continue;
            var id = Field(frame.Text, "request_id");
            using var json = JsonDocument.Parse(frame.Text);
            if (json.RootElement.GetProperty("is_streaming").GetBoolean())
            {
                await worker.SendChunkAsync(id, Sse);
                await worker.SendCompleteAsync(id);
            }
            else
            {
                await worker.SendCompleteAsync(id, body: "ok");
            }
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient http, string model, bool streaming)
    {
        var body = $$"""{"model":"{{model}}","stream":{{(streaming ? "true" : "false")}},"messages":[]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/v1/chat/completions", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Field(string json, string name)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty(name).GetString()!;
    }
}
