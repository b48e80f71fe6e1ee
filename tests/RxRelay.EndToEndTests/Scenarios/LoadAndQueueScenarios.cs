using System.Net.Http.Headers;
using System.Text.Json;

namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// Load balancing, pong load reporting and queue limits: upstream's http_worker_daemon.rs 7–8 and
/// live_backend.rs 7–8 (docs/differences-from-upstream.md#upstream-tests).
/// </summary>
public sealed class LoadAndQueueScenarios(ITestOutputHelper output)
{
    private const string AdminToken = "admin-secret";

    [Fact]
    public async Task TwoWorkers_TwoConcurrentRequests_EachWorkerGetsOne()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var first = cluster.Own(await MockBackend.StartAsync());
        var second = cluster.Own(await MockBackend.StartAsync());
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Handler = call => AnswerWhenBothArrived(call, "backend-a", bothArrived, first, second);
        second.Handler = call => AnswerWhenBothArrived(call, "backend-b", bothArrived, first, second);
        await cluster.StartWorkerAsync(cluster.Worker(first.BaseAddress, "worker-a"));
        await cluster.StartWorkerAsync(cluster.Worker(second.BaseAddress, "worker-b"));

        var answers = await Task.WhenAll(
            cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false)),
            cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false)));

        Assert.Single(first.Calls);
        Assert.Single(second.Calls);
        Assert.All(answers, a => Assert.Equal(200, (int)a.Response.StatusCode));
        Assert.Equal(["backend-a", "backend-b"], answers.Select(a => a.Body).Order());
    }

    [Fact]
    public async Task BusyWorker_PongReportsLoadAndSecondRequestWaitsUntilRelease()
    {
        await using var cluster = await RelayCluster.StartAsync(output, new ProxySettings { AdminToken = AdminToken });
        var backend = cluster.Own(await MockBackend.StartAsync());
        backend.Handler = async call =>
        {
            await call.HoldAsync();
            await call.RespondAsync(200, "done", ("content-type", "text/plain"));
        };
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress));

        var firstAnswer = cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        var held = await backend.WaitForCallAsync(1, Bounds.Prompt);
        await Eventually.UntilAsync(async () => await ReportedLoadAsync(cluster) == 1, Bounds.Prompt, "a pong reporting load 1");
        var secondAnswer = cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        await Task.Delay(Bounds.Quiet);
        Assert.Single(backend.Calls);
        Assert.False(secondAnswer.IsCompleted);

        held.Release();
        (await backend.WaitForCallAsync(2, Bounds.Prompt)).Release();

        Assert.Equal(200, (int)(await firstAnswer).Response.StatusCode);
        Assert.Equal(200, (int)(await secondAnswer).Response.StatusCode);
    }

    [Fact]
    public async Task QueuedRequest_QueueTimeoutExpires_Gets503TimeoutTextAndFirstStillCompletes()
    {
        await using var cluster = await RelayCluster.StartAsync(output, new ProxySettings { QueueTimeoutSecs = 1 });
        var (backend, first, held) = await HoldFirstResponseAsync(cluster);

        var (response, body) = await cluster.SendAsync(Bodies.ResponsesPath, Bodies.Responses(stream: false));

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("Request timed out waiting for worker\n", body);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        held.Release();
        Assert.Equal(201, (int)(await first).Response.StatusCode);
        Assert.Single(backend.Calls);
    }

    [Fact]
    public async Task FullQueue_ThirdRequest_Gets503CapacityTextAndLeavesNoState()
    {
        await using var cluster = await RelayCluster.StartAsync(output, new ProxySettings { MaxQueueLen = 1 });
        var (backend, inFlight, held) = await HoldFirstResponseAsync(cluster);
        var queued = cluster.SendAsync(Bodies.ResponsesPath, Bodies.Responses(stream: false));
        await Eventually.UntilAsync(async () => (await cluster.HealthAsync()).GetProperty("queue_depth").GetInt32() == 1, Bounds.Prompt, "queue_depth 1");

        var (response, body) = await cluster.SendAsync(Bodies.ResponsesPath, Bodies.Responses(stream: false));

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("Service temporarily at capacity, please retry\n", body);
        Assert.Equal(1, (await cluster.HealthAsync()).GetProperty("queue_depth").GetInt32());
        held.Release();
        (await backend.WaitForCallAsync(2, Bounds.Prompt)).Release();
        Assert.Equal(201, (int)(await inFlight).Response.StatusCode);
        Assert.Equal(201, (int)(await queued).Response.StatusCode);
        Assert.Equal(2, backend.Calls.Count);
    }

    /// <summary>One worker whose backend holds every call (then answers 201); the first responses request is held.</summary>
    private static async Task<(ScriptedBackend Backend, Task<(HttpResponseMessage Response, string Body)> First, BackendCall Held)> HoldFirstResponseAsync(RelayCluster cluster)
    {
        var backend = cluster.Own(await MockBackend.StartAsync());
        backend.Handler = async call =>
        {
            await call.HoldAsync();
            await call.RespondAsync(201, """{"id":"resp_123"}""", ("content-type", "application/json"));
        };
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress));
        var first = cluster.SendAsync(Bodies.ResponsesPath, Bodies.Responses(stream: false));
        return (backend, first, await backend.WaitForCallAsync(1, Bounds.Prompt));
    }

    private static async Task AnswerWhenBothArrived(BackendCall call, string name, TaskCompletionSource both, ScriptedBackend a, ScriptedBackend b)
    {
        if (a.Calls.Count + b.Calls.Count >= 2)
        {
            both.TrySetResult();
        }

        // Both requests are held until both backends have one: proof they ran at the same time.
        await both.Task.WaitAsync(Bounds.Prompt);
        await call.RespondAsync(200, name, ("content-type", "text/plain"));
    }

    private static async Task<int> ReportedLoadAsync(RelayCluster cluster)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/workers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var response = await cluster.Http.SendAsync(request);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("workers")[0].GetProperty("reported_load").GetInt32();
    }
}
