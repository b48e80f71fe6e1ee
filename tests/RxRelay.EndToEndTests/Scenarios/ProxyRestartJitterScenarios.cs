using System.Diagnostics;
using RxRelay.EchoBackend;

namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// Fifty workers lose their proxy at the same instant and must come back without a thundering herd: each
/// waits 1 s + a random 0–499 ms (docs/differences-from-upstream.md#worker-random-jitter: upstream derives
/// the jitter from the clock, so workers restarted together reconnect together). The spread of the chosen
/// delays and of re-registration times is printed.
/// </summary>
public sealed class ProxyRestartJitterScenarios(ITestOutputHelper output)
{
    private const int Workers = 50;

    [Fact]
    public async Task FiftyWorkers_ProxyRestarted_AllReRegisterWithJitteredSpread()
    {
        // Fifty in-process workers share the test's two cores: the suite's 0.3 s / 0.5 s heartbeat would
        // drop slow-to-pong workers and blur what this test measures (reconnect timing), so it is relaxed.
        await using var cluster = await RelayCluster.StartAsync(output, new ProxySettings { HeartbeatInterval = TimeSpan.FromSeconds(5), HeartbeatTimeout = TimeSpan.FromSeconds(5) });
        var echo = cluster.Own(await EchoBackendApp.StartAsync(new EchoBackendOptions { Listen = ListenAddress.LoopbackAnyPort, Models = ["echo"] }));
        var clock = Stopwatch.StartNew();
        var workers = new List<InProcessWorker>();
        try
        {
            for (var i = 0; i < Workers; i++)
            {
                workers.Add(await InProcessWorker.StartAsync(cluster.Worker(echo.BaseAddress, $"w{i:00}") with { Models = ["echo"], IdleTimeout = TimeSpan.FromSeconds(5) }, clock));
            }

            await cluster.WaitForWorkersAsync(Workers, Bounds.Startup);
            await cluster.Proxy.KillAsync();
            var killedAt = clock.Elapsed;
            await cluster.StartProxyAsync();
            await cluster.WaitForWorkersAsync(Workers, Bounds.Startup);

            // The delay each worker chose for its first reconnect (its own log line, src/RxRelay.Worker/README.md#logs),
            // and when it really registered again. Registration times alone would also measure how fast the
            // new proxy starts (slow on a loaded box, which bunches everyone up at its first accept).
            var planned = workers.Select(w => FirstReconnect(w).DelayMs).Order().ToArray();
            var registered = workers.Select(w => (w.Registrations[^1] - killedAt).TotalMilliseconds).Order().ToArray();
            var mean = planned.Average();
            var stddev = Math.Sqrt(planned.Sum(d => (d - mean) * (d - mean)) / planned.Length);
            var distinct10Ms = planned.Select(d => d / 10).Distinct().Count();
            output.WriteLine($"planned reconnect delays, {Workers} workers: min {planned[0]} ms, max {planned[^1]} ms, mean {mean:0} ms, stddev {stddev:0} ms, distinct 10 ms buckets {distinct10Ms}");
            output.WriteLine("sorted planned delays (ms): " + string.Join(", ", planned));
            output.WriteLine($"re-registration after proxy kill: min {registered[0]:0} ms, max {registered[^1]:0} ms");

            Assert.All(workers, w => Assert.Equal(2, w.Registrations.Count));
            // Measured from the worker's own decision (its log line's time), not from when the test saw the proxy
            // exit: on a loaded box the kill's exit notification can come later than the workers' disconnects.
            Assert.All(workers, w => Assert.True(
                (w.Registrations[^1] - FirstReconnect(w).At).TotalMilliseconds >= FirstReconnect(w).DelayMs - 50,
                "a worker registered again before its chosen delay"));
            // 1 s backoff + uniform 0–499 ms jitter: a stddev of ~144 ms; lockstep would be a few ms wide.
            Assert.All(planned, d => Assert.InRange(d, 1000, 1499));
            Assert.InRange(planned[^1] - planned[0], 250, 499);
            Assert.InRange(stddev, 60, 250);
            Assert.InRange(distinct10Ms, 15, Workers);
            var (response, _) = await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false, model: "echo"));
            Assert.Equal(200, (int)response.StatusCode);
        }
        finally
        {
            await Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask()));
        }
    }

    /// <summary>The <c>delay_ms</c> of the worker's reconnect decision after the proxy died, and when it was logged.</summary>
    private static (int DelayMs, TimeSpan At) FirstReconnect(InProcessWorker worker)
    {
        // The first reconnect decision after the first registration (it may be logged a moment before the
        // test has seen the proxy process exit).
        var firstRegistration = worker.Registrations[0];
        var (at, line) = worker.LogEntries.First(e => e.At > firstRegistration && e.Text.Contains("reconnecting", StringComparison.Ordinal));
        var match = System.Text.RegularExpressions.Regex.Match(line, @"delay_ms=(\d+)");
        Assert.True(match.Success, $"no delay_ms in '{line}'");
        return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), at);
    }
}
