using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>Many requests on one session: the load the worker reports, and streams that never mix.</summary>
[Collection(WorkerRelaySerial.Name)]
public sealed partial class WorkerRelayLoadTests
{
    private const string ChatBody = """{"model":"echo-model","messages":[{"role":"user","content":"hold me"}]}""";

    [Fact]
    public async Task Ping_ThreeRequestsHeldByTheBackend_PongReportsThreeThenZeroAfterTheyComplete()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            await call.HoldAsync(release.Task);
            call.Response.ContentType = "application/json";
            await call.Response.WriteAsync($$"""{"served":{{call.Number}}}""");
        });
        for (var i = 1; i <= 3; i++)
            await stack.SendAsync(Frames.Request($"request-{i}", "/v1/chat/completions", false, ChatBody));
        for (var i = 1; i <= 3; i++)
            await stack.Backend.NextCallAsync(WorkerStack.Patience);

        Assert.Equal(Frames.Pong(3), await stack.PingAsync());

        release.SetResult();
        var completions = new List<string>();
        for (var i = 1; i <= 3; i++)
            completions.Add(Frames.WithoutDate(await stack.NextFrameAsync()));
        var headers = Frames.Headers(("content-type", "application/json"), ("date", Frames.AnyDate));
        Assert.Equal(
            Enumerable.Range(1, 3).Select(i => $"request-{i}").Order(StringComparer.Ordinal),
            completions.Select(c => Replies.Parse(c).RequestId!).Order(StringComparer.Ordinal));
        Assert.All(completions, c => Assert.Matches(CompletionPattern(headers), c));

        Assert.Equal(Frames.Pong(0), await stack.PingAsync());
    }

    [Fact]
    public async Task RequestBeyondMaxConcurrency_503WorkerOverloadedWhileTheFirstIsServed()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stack = await WorkerStack.StartScriptedAsync(
            async call =>
            {
                await call.HoldAsync(release.Task);
                call.Response.ContentType = "application/json";
                await call.Response.WriteAsync($$"""{"served":{{call.Number}}}""");
            },
            options => options with { MaxConcurrency = 1 });
        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", false, ChatBody));
        await stack.Backend.NextCallAsync(WorkerStack.Patience);

        await stack.SendAsync(Frames.Request("request-2", "/v1/chat/completions", false, ChatBody));

        Assert.Equal(
            Frames.ErrorComplete("request-2", 503, "worker_overloaded", "worker is at its concurrency limit (1)"),
            await stack.NextFrameAsync());
        release.SetResult();
        var headers = Frames.Headers(("content-type", "application/json"), ("date", Frames.AnyDate));
        Assert.Equal(Frames.Complete("request-1", 200, headers, """{"served":1}"""), Frames.WithoutDate(await stack.NextFrameAsync()));
        Assert.Single(stack.Backend.Calls);
    }

    [Fact]
    public async Task HundredConcurrentStreams_EchoBackend_EachArrivesCompleteAndUnmixed()
    {
        const int count = 100;
        var tokens = Frames.Headers(("x-echo-tokens", "20"));
        var paced = Frames.Headers(("x-echo-delay-ms", "5"), ("x-echo-tokens", "20"));
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i <= count; i++)
            expected[$"request-{i}"] = WithoutEchoId(await Replies.EchoAnswerAsync("/v1/chat/completions", StreamBody(i), tokens));
        await using var stack = await WorkerStack.StartEchoAsync(options => options with { MaxConcurrency = count });

        for (var i = 1; i <= count; i++)
            await stack.SendAsync(Frames.Request($"request-{i}", "/v1/chat/completions", true, StreamBody(i), headers: paced));
        var chunks = expected.Keys.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        var completions = expected.Keys.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        while (completions.Values.Sum(c => c.Count) < count)
        {
            var frame = await stack.NextFrameAsync();
            var (type, id, chunk) = Replies.Parse(frame);
            if (type == "response_chunk")
            {
                Assert.Equal(Frames.Chunk(id!, chunk!), frame);
                Assert.Empty(completions[id!]);
                chunks[id!].Add(chunk!);
            }
            else
            {
                Assert.Equal("response_complete", type);
                completions[id!].Add(Frames.WithoutDate(frame));
            }
        }

        var headers = Frames.Headers(("cache-control", "no-cache"), ("content-type", "text/event-stream"), ("date", Frames.AnyDate));
        foreach (var (id, text) in expected)
        {
            Assert.Equal(text, WithoutEchoId(string.Concat(chunks[id])));
            Assert.Equal([Frames.Complete(id, 200, headers, "")], completions[id]);
        }

        // Every stream was its own backend exchange: 100 distinct echo ids.
        Assert.Equal(count, chunks.Values.Select(c => EchoId().Match(string.Concat(c)).Value).Distinct().Count());
        Assert.Equal(Frames.Pong(0), await stack.PingAsync());
    }

    // A unique prompt word per request, so a chunk relayed under the wrong id would show.
    private static string StreamBody(int i)
        => $$"""{"model":"echo-model","messages":[{"role":"user","content":"r{{i}}"}],"stream":true}""";

    // The echo numbers its answers in arrival order, which concurrency scrambles; all else is exact.
    private static string WithoutEchoId(string sse) => EchoId().Replace(sse, "chatcmpl-echo-N");

    private static string CompletionPattern(Dictionary<string, string> headers)
        => "^" + Regex.Escape(Frames.Complete("request-X", 200, headers, """{"served":N}"""))
            .Replace("request-X", "request-[1-3]", StringComparison.Ordinal)
            .Replace("N", "[1-3]", StringComparison.Ordinal) + "$";

    [GeneratedRegex("chatcmpl-echo-[0-9]+")]
    private static partial Regex EchoId();
}
