using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using RxRelay.IntegrationTests.FakeProxies;
using RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

namespace RxRelay.IntegrationTests.WorkerProcess;

/// <summary>The worker process with <c>--metrics-listen</c>: a real scrape after a reconnect and one request.</summary>
public sealed class WorkerMetricsScrapeTests
{
    private const string Scope = "otel_scope_name=\"RxRelay.Worker\"";

    [PromtoolFact]
    public async Task MetricsListen_AfterAReconnectAndARequest_EveryFamilyScrapedAndPromtoolFindsNoProblem()
    {
        await using var backend = await ScriptedBackend.StartAsync(async call =>
        {
            call.Response.ContentType = "application/json";
            await call.Response.WriteAsync("{}");
        });
        await using var proxy = await FakeProxy.StartAsync();
        var port = FreePort.Next();
        await using var worker = WorkerProgram.Start(proxy.BaseUrl, backend.Url, "--metrics-listen", $"127.0.0.1:{port}");

        var first = await proxy.NextConnectionAsync(WorkerStack.Patience);
        await first.NextTextAsync(WorkerStack.Patience);
        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "restarting");
        var second = await proxy.NextConnectionAsync(WorkerStack.Patience);
        await second.NextTextAsync(WorkerStack.Patience);
        await second.SendTextAsync(Frames.Request("request-1", "/v1/chat/completions", false, """{"model":"echo-model"}"""));
        Assert.Contains("\"response_complete\"", await second.NextTextAsync(WorkerStack.Patience), StringComparison.Ordinal);
        var exposition = await ScrapeUntilAsync(port, text => text.Contains("rxrelay_worker_requests_total{", StringComparison.Ordinal));

        var lines = exposition.Split('\n');
        Assert.Contains($"rxrelay_worker_connected{{{Scope}}} 1", lines);
        Assert.Contains($"rxrelay_worker_in_flight{{{Scope}}} 0", lines);
        Assert.Contains($"rxrelay_worker_reconnects_total{{{Scope},cause=\"closed\"}} 1", lines);
        Assert.Contains($"rxrelay_worker_requests_total{{{Scope},endpoint=\"/v1/chat/completions\",status_class=\"2xx\"}} 1", lines);
        Assert.Contains($"rxrelay_worker_session_duration_seconds_count{{{Scope}}} 1", lines);
        Assert.Contains($"rxrelay_worker_backoff_seconds_count{{{Scope}}} 1", lines);
        Assert.Contains($"rxrelay_worker_backend_time_to_first_byte_seconds_count{{{Scope}}} 1", lines);
        var (exitCode, problems) = await Promtool.CheckMetricsAsync(exposition);
        Assert.True(exitCode == 0 && problems.Length == 0, $"promtool exit {exitCode}: {problems}");
    }

    [Fact]
    public async Task MetricsListen_Unset_NoPortOpened()
    {
        await using var proxy = await FakeProxy.StartAsync();
        await using var worker = WorkerProgram.Start(proxy.BaseUrl, "http://127.0.0.1:9");

        await proxy.NextConnectionAsync(WorkerStack.Patience);

        Assert.DoesNotContain(worker.Lines, line => line.Contains("metrics", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(OpenTcpPortsOf(worker.Pid));
    }

    // The scrape cache and the relay's record-after-send make the newest numbers show a moment late.
    private static async Task<string> ScrapeUntilAsync(int port, Func<string, bool> ready)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + WorkerStack.Patience;
        while (true)
        {
            var text = await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
            if (ready(text) || DateTime.UtcNow > deadline)
                return text;
            await Task.Delay(100);
        }
    }

    // Listening TCP sockets (state 0A) whose inode belongs to the process: /proc/net/tcp{,6} against /proc/<pid>/fd.
    private static List<string> OpenTcpPortsOf(int pid)
    {
        var inodes = Directory.GetFiles($"/proc/{pid}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget ?? "")
            .Where(target => target.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(target => target["socket:[".Length..^1])
            .ToHashSet();
        return [.. new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .SelectMany(File.ReadLines)
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 9 && fields[3] == "0A" && inodes.Contains(fields[9]))
            .Select(fields => fields[1])];
    }
}
