using System.Diagnostics;
using RxRelay.EchoBackend;
using RxRelay.EndToEndTests.Infrastructure;
using Xunit.Abstractions;

namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// Fifty workers lose their proxy at the same instant and must come back without a thundering herd:
/// each waits 1 s + a random 0–499 ms (fix 24: upstream derives the jitter from the clock, so workers
/// restarted together reconnect together). The spread of re-registration times is printed.
/// </summary>
public sealed class ProxyRestartJitterScenarios(ITestOutputHelper output)
{
    private const int Workers = 50;

    [Fact]
    public async Task FiftyWorkers_ProxyRestarted_AllReRegisterWithJitteredSpread()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
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

            var delays = workers.Select(w => (w.Registrations[^1] - killedAt).TotalMilliseconds).Order().ToArray();
            var mean = delays.Average();
            var stddev = Math.Sqrt(delays.Sum(d => (d - mean) * (d - mean)) / delays.Length);
            var distinct10Ms = delays.Select(d => (int)(d / 10)).Distinct().Count();
            output.WriteLine($"re-registration after proxy kill, {Workers} workers: min {delays[0]:0} ms, max {delays[^1]:0} ms, mean {mean:0} ms, stddev {stddev:0} ms, distinct 10 ms buckets {distinct10Ms}");
            output.WriteLine("sorted delays (ms): " + string.Join(", ", delays.Select(d => d.ToString("0", System.Globalization.CultureInfo.InvariantCulture))));

            Assert.All(workers, w => Assert.Equal(2, w.Registrations.Count));
            // Uniform 0–499 ms jitter has a stddev of ~144 ms; lockstep would be a few ms.
            Assert.InRange(delays[^1] - delays[0], 250, 5000);
            Assert.InRange(stddev, 60, 1000);
            Assert.InRange(distinct10Ms, 15, Workers);
            var (response, _) = await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false, model: "echo"));
            Assert.Equal(200, (int)response.StatusCode);
        }
        finally
        {
            await Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask()));
        }
    }
}
