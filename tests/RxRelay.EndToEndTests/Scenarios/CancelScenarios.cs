namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// A client that walks away mid-stream cancels the backend call and frees the slot: upstream's
/// http_worker_daemon.rs 9, live_backend.rs 9–10 (docs/differences-from-upstream.md#upstream-tests), and
/// RxRelay's docs/differences-from-upstream.md#worker-cancel-completes (upstream leaks the slot, so a
/// max-concurrency-1 worker is dead after).
/// </summary>
public sealed class CancelScenarios(ITestOutputHelper output)
{
    public static TheoryData<string, string> Routes => new()
    {
        { Bodies.ChatPath, Bodies.Chat(stream: true) },
        { Bodies.ResponsesPath, Bodies.Responses(stream: true) },
        { Bodies.MessagesPath, Bodies.Messages(stream: true, model: Bodies.OpenAiModel) },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task StreamingClient_DisconnectsAfterFirstChunk_BackendConnectionClosedAndSlotFreed(string path, string body)
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        backend.Handler = async call =>
        {
            await call.StartStreamAsync();
            await call.WriteChunkAsync(Sse.ChatDelta("first"));
            await call.HoldAsync();
        };
        await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress));
        var stream = new StreamingRead(await cluster.PostAsync(path, body).WaitAsync(Bounds.Prompt));
        await stream.WaitForTextAsync(Sse.ChatDelta("first"), Bounds.Prompt);
        var call = await backend.WaitForCallAsync(1, Bounds.Prompt);

        await stream.AbortAsync();

        await call.Aborted.WaitAsync(TimeSpan.FromSeconds(2));
        backend.Handler = next => next.RespondAsync(200, "after", ("content-type", "text/plain"));
        var (response, answer) = await cluster.SendAsync(path, body.Replace("\"stream\":true", "\"stream\":false", StringComparison.Ordinal));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("after", answer);
    }
}
