namespace RxRelay.Demo;

/// <summary>
/// The demo from start to clean stop. Children start in dependency order (backend, proxy, worker) and
/// stop in reverse, so the worker drains and closes with 1000 before its proxy goes away.
/// </summary>
internal static class DemoRun
{
    private const string Secret = "rxrelay-demo-secret";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(DemoPrograms programs, TextWriter output, CancellationToken cancellationToken)
    {
        var logs = Path.Combine(Path.GetTempPath(), "rxrelay-demo-" + Environment.ProcessId);
        var children = new List<ChildProcess>();
        var failed = false;
        try
        {
            await StartAndAskAsync(programs, logs, children, output, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is DemoException or HttpRequestException or TimeoutException or OperationCanceledException or System.Text.Json.JsonException)
        {
            failed = true;
            await Console.Error.WriteLineAsync($"rxrelay-demo: FAILED: {error.Message}").ConfigureAwait(false);
            PrintTails(error is DemoException { Culprit: { } culprit } ? [culprit] : children);
        }
        finally
        {
            failed |= !await StopAllAsync(children, output).ConfigureAwait(false);
        }

        output.WriteLine(failed ? $"demo failed; child logs in {logs}" : "demo finished: all answers arrived, every program stopped cleanly");
        return failed ? 1 : 0;
    }

    private static async Task StartAndAskAsync(DemoPrograms programs, string logs, List<ChildProcess> children, TextWriter output, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = RequestTimeout };
        var echoPort = FreePort.Next();
        var proxyPort = FreePort.Next();
        var echoUrl = new Uri($"http://127.0.0.1:{echoPort}/");
        var proxyUrl = new Uri($"http://127.0.0.1:{proxyPort}/");

        output.WriteLine($"starting echo backend on {echoUrl}");
        var echo = Track(children, ChildProcess.Start("echo-backend", programs.EchoDll, ["--listen", $"127.0.0.1:{echoPort}", "--models", "echo"], Logged(logs, "echo-backend")));
        await Readiness.UntilOkAsync(http, echo, new Uri(echoUrl, "/v1/models"), StartTimeout, cancellationToken).ConfigureAwait(false);

        output.WriteLine($"starting proxy on {proxyUrl}");
        var proxy = Track(children, ChildProcess.Start("proxy", programs.ProxyDll, ["--listen", $"127.0.0.1:{proxyPort}", "--worker-secret", Secret], Logged(logs, "proxy")));
        await Readiness.UntilOkAsync(http, proxy, new Uri(proxyUrl, "/health"), StartTimeout, cancellationToken).ConfigureAwait(false);

        output.WriteLine("starting worker");
        var worker = Track(children, ChildProcess.Start("worker", programs.WorkerDll,
        [
            "--proxy-url", proxyUrl.ToString().TrimEnd('/'), "--worker-secret", Secret, "--worker-name", "demo-worker",
            "--models", "echo", "--backend-url", echoUrl.ToString().TrimEnd('/'), "--max-concurrency", "2",
        ], Logged(logs, "worker")));
        await Readiness.UntilWorkersAsync(http, worker, proxyUrl, 1, StartTimeout, cancellationToken).ConfigureAwait(false);
        output.WriteLine("worker registered (GET /health: workers_connected 1)");

        var client = new DemoClient(http, proxyUrl, output);
        await client.NonStreamingAsync(cancellationToken).ConfigureAwait(false);
        await client.StreamingAsync(cancellationToken).ConfigureAwait(false);
    }

    // Each program's whole output goes to <logs>/<name>.log; the last lines are kept for a failure report.
    private static ChildProcessOptions Logged(string logs, string name) =>
        new() { LogFile = Path.Combine(logs, name + ".log"), KeptLines = 40 };

    private static ChildProcess Track(List<ChildProcess> children, ChildProcess child)
    {
        children.Add(child);
        return child;
    }

    // Reverse start order; every child is disposed (killed if still alive) whatever happened before.
    private static async Task<bool> StopAllAsync(List<ChildProcess> children, TextWriter output)
    {
        var clean = true;
        foreach (var child in Enumerable.Reverse(children))
        {
            try
            {
                var graceful = await child.StopAsync(StopGrace).ConfigureAwait(false);
                output.WriteLine(graceful
                    ? $"stopped {child.Name} (exit code {child.ExitCode})"
                    : $"{child.Name} did not stop within {StopGrace.TotalSeconds:0} s of SIGTERM and was killed");
                clean &= graceful;
            }
            catch (Exception error) when (error is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                await Console.Error.WriteLineAsync($"rxrelay-demo: stopping {child.Name} failed: {error.Message}").ConfigureAwait(false);
                clean = false;
            }
            finally
            {
                await child.DisposeAsync().ConfigureAwait(false);
            }
        }

        return clean;
    }

    private static void PrintTails(IEnumerable<ChildProcess> children)
    {
        foreach (var child in children)
        {
            Console.Error.WriteLine($"--- last lines of {child.Name} ---");
            foreach (var line in child.Tail)
            {
                Console.Error.WriteLine(line);
            }
        }
    }
}
