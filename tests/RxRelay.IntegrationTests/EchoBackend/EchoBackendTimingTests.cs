namespace RxRelay.IntegrationTests.EchoBackend;

/// <summary>Token delays run on the injected clock: these tests advance virtual time, and use real time only as a bound.</summary>
public sealed class EchoBackendTimingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ChatCompletions_StreamWithDelay_SendsEachTokenExactlyWhenItsDelayElapses()
    {
        await using var echo = await EchoBackendHarness.StartAsync();
        using var request = EchoBackendHarness.Post("/v1/chat/completions", """{"model":"m","stream":true,"messages":[{"role":"user","content":"a b c"}]}""", ("x-echo-delay-ms", "1000"));
        using var response = await echo.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var events = new SseEvents(await response.Content.ReadAsStreamAsync());
        Assert.Contains("\"role\":\"assistant\"", (await events.NextAsync())!.Data, StringComparison.Ordinal);

        foreach (var (word, timer) in new[] { ("a ", 1), ("b ", 2), ("c ", 3) })
        {
            await WaitUntilAsync(() => echo.Time.TimersCreated == timer);
            var next = events.NextAsync();
            echo.Time.Advance(TimeSpan.FromMilliseconds(999));
            await Task.Delay(50); // bounded real time: gives a wrong implementation the chance to send early
            Assert.False(next.IsCompleted, $"token '{word}' arrived before its delay elapsed");

            echo.Time.Advance(TimeSpan.FromMilliseconds(1));

            Assert.Contains($"\"content\":\"{word}\"", (await next.WaitAsync(Bound))!.Data, StringComparison.Ordinal);
        }

        var rest = await events.ReadAllAsync().WaitAsync(Bound);
        Assert.Equal(["stop chunk", "[DONE]"], rest.Select(e => e.Data.Contains("\"finish_reason\":\"stop\"", StringComparison.Ordinal) ? "stop chunk" : e.Data));
        Assert.Equal(3, echo.Time.TimersCreated);
    }

    [Fact]
    public async Task Messages_NonStreamingWithDelay_AnswersAfterTokensTimesDelay()
    {
        await using var echo = await EchoBackendHarness.StartAsync();
        using var request = EchoBackendHarness.Post("/v1/messages", """{"model":"m","echo_tokens":3,"echo_delay_ms":100,"messages":[{"role":"user","content":"x"}]}""");

        var answer = echo.Client.SendAsync(request);
        await WaitUntilAsync(() => echo.Time.TimersCreated == 1);
        echo.Time.Advance(TimeSpan.FromMilliseconds(299));
        await Task.Delay(50);
        Assert.False(answer.IsCompleted);
        echo.Time.Advance(TimeSpan.FromMilliseconds(1));

        using var response = await answer.WaitAsync(Bound);
        Assert.Contains("\"text\":\"x x x \"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_ClientDisconnectsMidStream_StopsWritingTokens()
    {
        await using var echo = await EchoBackendHarness.StartAsync();

        // A raw socket, because HttpClient drains an abandoned HTTP/1.1 body to reuse the connection.
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync(echo.Backend.BaseAddress.Host, echo.Backend.BaseAddress.Port);
            var stream = client.GetStream();
            const string body = """{"model":"m","stream":true,"echo_tokens":1000,"echo_delay_ms":10}""";
            var head = $"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}";
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
            Assert.True(await stream.ReadAsync(new byte[1024]) > 0);
            await WaitUntilAsync(() => echo.Time.TimersCreated == 1);
        }

        // Each advance would start another token delay if the backend kept streaming to nobody.
        for (var i = 0; i < 20; i++)
        {
            echo.Time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(20);
        }

        Assert.InRange(echo.Time.TimersCreated, 1, 3);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "condition not met within the real-time bound");
            await Task.Delay(5);
        }
    }
}
