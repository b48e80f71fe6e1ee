using System.Diagnostics;
using System.Net;
using System.Text;
using RxRelay.Bench.Load;
using RxRelay.Bench.Targets;

namespace RxRelay.Bench.Scale;

/// <summary>
/// The idle-worker scale cell: one fresh proxy, one probe worker (<c>model-0</c>) that answers, then
/// the fleet grown to each size N. At each size: proxy RSS (and RSS per idle worker over the N = 0
/// baseline) and the latency of sequential requests for <c>model-0</c>. If dispatch cost grows with the
/// number of workers, these latencies grow with N. With <c>--rounds</c> the fleet is shrunk back to the
/// probe worker and grown again, and the median round is reported: single probes of ~0.05 ms on a
/// shared box are noisy.
/// </summary>
internal static class ScaleCell
{
    // Time-based warm-up before every fleet size, longest before the first: a fresh proxy runs tier-0
    // and then instrumented code for seconds (tiered JIT, dynamic PGO); with a short warm-up the N = 0
    // step was measured on colder code than N = 5,000 and latency seemed to fall as N grew.
    private static readonly TimeSpan FirstWarmup = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private static readonly byte[] ProbeBody = Encoding.UTF8.GetBytes("""{"model":"model-0","messages":[{"role":"user","content":"hi"}]}""");

    public static async Task<IReadOnlyList<ScaleStep>> RunAsync(
        PublishedPrograms programs, HttpClient http, BenchOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        var sizes = options.ScaleWorkers.Where(n => n > 0).Distinct().Order().ToList();
        if (sizes.Count > 0 && FileDescriptorLimit.CheckRoomFor(sizes[^1]) is { } fdError)
        {
            throw new InvalidOperationException(fdError);
        }

        await using var relay = await RelayProcesses.StartProxyOnlyAsync(programs, http, cancellationToken).ConfigureAwait(false);
        await using var fleet = new IdleWorkerFleet(relay.ProxyAddress, relay.Secret);
        var endpoint = new Uri(relay.ProxyAddress, "/v1/chat/completions");
        var rounds = new Dictionary<int, List<ScaleStep>>();
        double? baselineRss = null;
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var idle in sizes.Prepend(0))
            {
                var took = await fleet.GrowToAsync(idle + 1, cancellationToken).ConfigureAwait(false); // +1: the probe worker
                await relay.WaitForWorkersAsync(http, idle + 1, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
                await Task.Delay(Settle, cancellationToken).ConfigureAwait(false);
                var first = round == 1 && idle == 0;
                var (latencies, errors) = await ProbeAsync(http, endpoint, options.ScaleRequests, first ? FirstWarmup : Warmup, cancellationToken).ConfigureAwait(false);
                var rss = (ProcessMemory.Rss(relay.Proxy.Pid) ?? 0) / 1024.0 / 1024.0;
                baselineRss ??= rss;
                var (p50, _, p99) = Percentiles.Of(latencies);
                var step = new ScaleStep
                {
                    IdleWorkers = idle,
                    ProxyRssMiB = rss,
                    ProxyRssPerWorkerKiB = idle == 0 ? null : (rss - baselineRss.Value) * 1024.0 / idle,
                    ConnectSeconds = took.TotalSeconds,
                    Requests = latencies.Length,
                    LatencyP50Ms = p50,
                    LatencyP99Ms = p99,
                    Errors = errors.Count + fleet.Broken.Count(),
                    ErrorSamples = [.. errors.Concat(fleet.Broken).Take(5)],
                };
                log($"scale round {round}/{options.Rounds}: {idle} idle workers, proxy RSS {rss:0} MiB, probe p50 {p50:0.000} ms p99 {p99:0.000} ms, errors {step.Errors}");
                (rounds.TryGetValue(idle, out var list) ? list : rounds[idle] = []).Add(step);
            }

            if (round < options.Rounds)
            {
                // Back to the probe worker alone, so the next round measures N = 0 again on the same proxy.
                await fleet.ShrinkToAsync(1).ConfigureAwait(false);
                await relay.WaitForExactlyWorkersAsync(http, 1, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            }
        }

        // Memory and connect time from the first growth (RSS does not fall back when workers leave: the
        // GC keeps its heap); latency from the round with the median p50, every round's p50 beside it.
        return [.. rounds.Values.Select(list =>
        {
            var median = list.OrderBy(s => s.LatencyP50Ms).ElementAt(list.Count / 2);
            return list[0] with
            {
                Requests = median.Requests,
                LatencyP50Ms = median.LatencyP50Ms,
                LatencyP99Ms = median.LatencyP99Ms,
                RoundsP50Ms = [.. list.Select(s => s.LatencyP50Ms)],
                Errors = list.Sum(s => s.Errors),
                ErrorSamples = [.. list.SelectMany(s => s.ErrorSamples).Take(5)],
            };
        })];
    }

    private static async Task<(double[] Latencies, List<string> Errors)> ProbeAsync(
        HttpClient http, Uri endpoint, int count, TimeSpan warmup, CancellationToken cancellationToken)
    {
        var latencies = new List<double>(count);
        var errors = new List<string>();
        var warmupStarted = Stopwatch.GetTimestamp();
        while (latencies.Count < count && errors.Count <= count)
        {
            var measuring = Stopwatch.GetElapsedTime(warmupStarted) >= warmup;
            var sent = Stopwatch.GetTimestamp();
            try
            {
                using var content = new ByteArrayContent(ProbeBody);
                content.Headers.ContentType = new("application/json");
                using var response = await http.PostAsync(endpoint, content, cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK || body != "{}")
                {
                    errors.Add($"HTTP {(int)response.StatusCode}: {Truncate(body)}");
                    continue;
                }
            }
            catch (HttpRequestException ex)
            {
                errors.Add(ex.Message);
                continue;
            }

            if (measuring)
            {
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        }

        return ([.. latencies], errors);
    }

    private static string Truncate(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
