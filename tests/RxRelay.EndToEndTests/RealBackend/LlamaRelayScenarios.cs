using RxRelay.EndToEndTests.Infrastructure;
using Xunit.Abstractions;

namespace RxRelay.EndToEndTests.RealBackend;

/// <summary>
/// The relay (proxy and worker processes) in front of a real llama.cpp <c>llama-server</c>: what a client
/// gets through the relay is exactly what the backend says, token for token.
/// </summary>
public sealed class LlamaRelayScenarios(FastLlamaServer llama, ITestOutputHelper output) : IClassFixture<FastLlamaServer>
{
    private const string BadRequest = """{"error":{"code":400,"message":"Expected 'messages' to be an array","type":"invalid_request_error"}}""";

    [LlamaFact]
    public async Task ModelsWildcard_WorkerAsksTheBackend_ProxyListsItsModel()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        await StartWorkerAsync(cluster);

        Assert.Equal($$"""{"object":"list","data":[{"id":"{{Llama.Model}}","object":"model","owned_by":"worker-proxy"}]}""",
            await cluster.Http.GetStringAsync("/v1/models").WaitAsync(Bounds.Prompt));
    }

    [LlamaFact]
    public async Task Chat_NotStreaming_ExactReplyAndUsage()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        await StartWorkerAsync(cluster);

        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, Llama.Chat(stream: false));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(new ChatAnswer(Llama.Reply, "stop", Usage.ForPrompt(Llama.ReplyTokens + 1), 0), ChatAnswer.FromJson(body));
    }

    [LlamaFact]
    public async Task Chat_StreamingWithIncludeUsage_EveryTokenThenUsageThenDone()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        await StartWorkerAsync(cluster);

        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, Llama.StreamWithUsage());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new ChatAnswer(Llama.Reply, "stop", Usage.ForPrompt(Llama.ReplyTokens + 1), Llama.ReplyTokens), ChatAnswer.FromStream(body));
    }

    [LlamaFact]
    public async Task MaxTokens_NotStreaming_FinishReasonLength()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        await StartWorkerAsync(cluster);

        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, Llama.Chat(stream: false, ""","max_tokens":10"""));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(new ChatAnswer(Llama.FirstTenTokens, "length", Usage.ForPrompt(10), 0), ChatAnswer.FromJson(body));
    }

    [LlamaFact]
    public async Task MaxTokens_Streaming_FinishReasonLength()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        await StartWorkerAsync(cluster);

        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, Llama.StreamWithUsage(""","max_tokens":10"""));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(new ChatAnswer(Llama.FirstTenTokens, "length", Usage.ForPrompt(10), 10), ChatAnswer.FromStream(body));
    }

    [LlamaFact]
    public async Task BackendBadRequest_NotStreaming_ItsOwn400BodyRelayed()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        await StartWorkerAsync(cluster);

        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, $$"""{"model":"{{Llama.Model}}","messages":"bad"}""");

        Assert.Equal((400, "application/json", BadRequest), ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body));
    }

    [LlamaFact]
    public async Task BackendBadRequest_Streaming_ItsOwn400BodyRelayed()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        await StartWorkerAsync(cluster);

        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, $$"""{"model":"{{Llama.Model}}","messages":"bad","stream":true}""");

        Assert.Equal((400, "application/json", BadRequest), ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body));
    }

    [LlamaFact]
    public async Task BrowserOrigin_NotStreaming_OneAllowOriginValueTheProxys()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        await StartWorkerAsync(cluster);
        (string, string)[] origin = [("Origin", "http://app.example")];
        using var direct = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "Origin", "http://app.example" } } };
        using var backendAnswer = await llama.Server.Http.SendAsync(direct);

        var (response, _) = await cluster.SendAsync(Bodies.ChatPath, Llama.Chat(stream: false), origin);

        Assert.Equal(["http://app.example"], backendAnswer.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(["*"], response.Headers.GetValues("Access-Control-Allow-Origin"));
    }

    [LlamaFact]
    public async Task BrowserOrigin_Streaming_OneAllowOriginValueTheProxys()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        await StartWorkerAsync(cluster);

        var (response, body) = await cluster.SendAsync(Bodies.ChatPath, Llama.StreamWithUsage(), [("Origin", "http://app.example")]);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(["*"], response.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Equal(Llama.Reply, ChatAnswer.FromStream(body).Content);
    }

    private Task<ChildProcess> StartWorkerAsync(RelayCluster cluster)
        => cluster.StartWorkerAsync(cluster.Worker(llama.Server.BaseAddress) with { Models = ["*"], MaxConcurrency = Llama.Slots });
}
