using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RxRelay.IntegrationTests.FakeProxies;
using RxRelay.IntegrationTests.WorkerAgainstFakeProxy;
using RxRelay.Testing.Processes;

namespace RxRelay.IntegrationTests.WorkerProcess;

/// <summary><c>--log-format json</c> on both programs, and the proxy's <c>x-request-id</c> through the worker.</summary>
public sealed class JsonLogTests
{
    private const string RequestId = "5f0c2a9e-client-\"id\"";

    [Fact]
    public async Task Worker_JsonFormatAndRequestWithXRequestId_EveryLineJsonRequestLinesCarryTheIdBackendGetsItUnchanged()
    {
        await using var backend = await ScriptedBackend.StartAsync(async call =>
        {
            call.Response.ContentType = "application/json";
            await call.Response.WriteAsync("{}");
        });
        await using var proxy = await FakeProxy.StartAsync();
        await using var worker = WorkerProgram.Start(proxy.BaseUrl, backend.Url, "--log-format", "json", "--log-level", "debug");
        var socket = await proxy.NextConnectionAsync(WorkerStack.Patience);
        await socket.NextTextAsync(WorkerStack.Patience);

        await socket.SendTextAsync(Frames.Request(
            "request-1", "/v1/chat/completions", false, """{"model":"echo-model"}""",
            headers: Frames.Headers(("content-type", "application/json"), ("x-request-id", RequestId))));
        var call = await backend.NextCallAsync(WorkerStack.Patience);
        await worker.WaitForLineAsync("completed with status", WorkerStack.Patience);

        Assert.Equal(RequestId, call.Headers["x-request-id"]);
        var events = ParseEveryLine(worker);
        var requestLines = events.Where(e => e.TryGetProperty("RequestId", out var id) && id.GetString() == "request-1").ToList();
        Assert.Equal(
            ["relaying request {RequestId} to {EndpointPath} (streaming={IsStreaming}): {Body}", "request {RequestId} completed with status {StatusCode}"],
            requestLines.Select(e => e.GetProperty("@mt").GetString()));
        Assert.All(requestLines, e => Assert.Equal(RequestId, e.GetProperty("XRequestId").GetString()));
        Assert.Equal(200, requestLines[1].GetProperty("StatusCode").GetInt32());
        var started = events.Single(e => e.GetProperty("@mt").GetString()!.StartsWith("rxrelay-worker starting", StringComparison.Ordinal));
        Assert.Equal(proxy.BaseUrl, started.GetProperty("Proxy").GetString());
    }

    [Fact]
    public async Task Proxy_JsonFormat_EveryLineJsonWithTheTemplatesProperties()
    {
        var listen = $"127.0.0.1:{FreePort.Next()}";
        await using var proxy = WorkerProgram.StartProxy(listen, "--log-format", "json");

        await proxy.WaitForLineAsync("listening on", WorkerStack.Patience);

        var listening = ParseEveryLine(proxy).Single(e => e.GetProperty("@mt").GetString() == "listening on {Address}");
        Assert.Equal($"http://{listen}", listening.GetProperty("Address").GetString());
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("proxy")]
    public async Task LogFormat_Unknown_OneClearErrorLineAndExitCode1(string program)
    {
        await using var child = program == "worker"
            ? WorkerProgram.Start("http://127.0.0.1:9", "http://127.0.0.1:9", "--log-format", "yaml")
            : WorkerProgram.StartProxy("127.0.0.1:9", "--log-format", "yaml");

        Assert.Equal(1, await child.WaitForExitAsync(WorkerStack.Patience));
        // The exit can be seen before the last redirected line is read.
        for (var waited = 0; child.Tail.Count == 0 && waited < 50; waited++)
            await Task.Delay(100);
        var line = Assert.Single(child.Tail);
        Assert.Contains("--log-format", line, StringComparison.Ordinal);
        Assert.Contains("LOG_FORMAT", line, StringComparison.Ordinal);
        Assert.Contains("text, json", line, StringComparison.Ordinal);
    }

    // Every line the program printed (stdout and stderr) must be one JSON object: nothing else is written in this mode.
    private static List<JsonElement> ParseEveryLine(ChildProcess program)
    {
        var lines = program.Lines.Select(stamped => stamped[(stamped.IndexOf(": ", StringComparison.Ordinal) + 2)..]).ToList();
        Assert.NotEmpty(lines);
        return [.. lines.Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            Assert.True(document.RootElement.TryGetProperty("@t", out _), line);
            return document.RootElement.Clone();
        })];
    }
}
