using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RxRelay.Bench.Cores;

namespace RxRelay.Bench.Targets;

/// <summary>
/// RxRelay as deployed: the published <c>rxrelay-proxy</c> and <c>rxrelay-worker</c> as child processes
/// with upstream's flags (README.md#proxy-options, README.md#worker-options). Ready when the proxy's
/// <c>GET /health</c> reports <c>workers_connected</c> ≥ the number expected.
/// </summary>
internal sealed class RelayProcesses : IAsyncDisposable
{
    public const string Model = "echo";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private RelayProcesses(ChildProcess proxy, IReadOnlyList<ChildProcess> workers, Uri proxyAddress, string secret)
    {
        Proxy = proxy;
        Workers = workers;
        ProxyAddress = proxyAddress;
        Secret = secret;
    }

    public ChildProcess Proxy { get; }

    /// <summary>The first worker, or null for a proxy alone.</summary>
    public ChildProcess? Worker => Workers.Count > 0 ? Workers[0] : null;

    /// <summary>Every worker, in the order started (none for a proxy alone).</summary>
    public IReadOnlyList<ChildProcess> Workers { get; }

    public Uri ProxyAddress { get; }

    /// <summary>The worker secret the proxy was started with (the scale fleet authenticates with it).</summary>
    public string Secret { get; }

    /// <summary>Proxy plus one worker in front of <paramref name="backend"/>.</summary>
    /// <param name="environment">Added to the proxy's and the worker's environment (<c>--relay-env</c>), for tuning experiments.</param>
    public static Task<RelayProcesses> StartAsync(
        PublishedPrograms programs, Uri backend, HttpClient http, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken) =>
        StartCoreAsync(programs, backend, http, environment, [], 1, null, cancellationToken);

    /// <summary>
    /// Proxy plus <paramref name="workers"/> workers in front of <paramref name="backend"/>, each on the cores of its
    /// group when <paramref name="pinning"/> is given. One worker is named as always (<c>rxrelay-worker</c>,
    /// <c>bench-worker</c>); more are numbered from 1 (<c>rxrelay-worker-1</c>, <c>bench-worker-1</c>, …).
    /// </summary>
    public static Task<RelayProcesses> StartAsync(
        PublishedPrograms programs, Uri backend, HttpClient http, IReadOnlyDictionary<string, string> environment,
        int workers, CorePinning? pinning, CancellationToken cancellationToken) =>
        StartCoreAsync(programs, backend, http, environment, [], workers, pinning, cancellationToken);

    /// <summary>A proxy alone, for the idle-worker scale cell.</summary>
    public static Task<RelayProcesses> StartProxyOnlyAsync(PublishedPrograms programs, HttpClient http, CancellationToken cancellationToken) =>
        StartCoreAsync(programs, backend: null, http, new Dictionary<string, string>(), [], 1, null, cancellationToken);

    /// <summary>
    /// A proxy with <paramref name="proxyArguments"/> added to the usual ones (the cluster cell's replica flags), with one
    /// worker in front of <paramref name="backend"/>, or none when it is null.
    /// </summary>
    public static Task<RelayProcesses> StartWithProxyArgumentsAsync(
        PublishedPrograms programs, Uri? backend, HttpClient http, IReadOnlyDictionary<string, string> environment,
        IReadOnlyList<string> proxyArguments, CancellationToken cancellationToken) =>
        StartCoreAsync(programs, backend, http, environment, proxyArguments, 1, null, cancellationToken);

    /// <summary><c>workers_connected</c> from <c>GET /health</c>, or null while the proxy does not answer.</summary>
    public async Task<int?> WorkersConnectedAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(ProxyAddress, "/health"), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var json = await JsonDocument.ParseAsync(
                await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), default, cancellationToken).ConfigureAwait(false);
            return json.RootElement.TryGetProperty("workers_connected", out var count) && count.TryGetInt32(out var n) ? n : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or IOException)
        {
            return null;
        }
    }

    /// <summary>Polls <c>/health</c> until at least <paramref name="expected"/> workers are connected.</summary>
    public Task WaitForWorkersAsync(HttpClient http, int expected, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForWorkersAsync(http, expected, exactly: false, timeout, cancellationToken);

    /// <summary>Polls <c>/health</c> until exactly <paramref name="expected"/> workers are connected (after some left).</summary>
    public Task WaitForExactlyWorkersAsync(HttpClient http, int expected, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForWorkersAsync(http, expected, exactly: true, timeout, cancellationToken);

    private async Task WaitForWorkersAsync(HttpClient http, int expected, bool exactly, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        int? seen = null;
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            seen = await WorkersConnectedAsync(http, cancellationToken).ConfigureAwait(false);
            if (exactly ? seen == expected : seen >= expected)
            {
                return;
            }

            if (Proxy.HasExited)
            {
                throw Proxy.Failure("exited");
            }

            if (Workers.FirstOrDefault(w => w.HasExited) is { } dead)
            {
                throw dead.Failure("exited");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw (Worker ?? Proxy).Failure($"did not reach workers_connected {(exactly ? "==" : ">=")} {expected} within {timeout.TotalSeconds:0} s (last /health: {seen?.ToString(CultureInfo.InvariantCulture) ?? "no answer"})");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var worker in Workers)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }

        await Proxy.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<RelayProcesses> StartCoreAsync(
        PublishedPrograms programs, Uri? backend, HttpClient http, IReadOnlyDictionary<string, string> environment,
        IReadOnlyList<string> proxyArguments, int workerCount, CorePinning? pinning, CancellationToken cancellationToken)
    {
        var secret = "bench-" + Guid.NewGuid().ToString("N");
        var port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var proxy = CorePinning.Start(pinning, plan => plan.Proxy, () => BenchChildren.Start("rxrelay-proxy", programs.Proxy,
        [
            "--listen", $"127.0.0.1:{port}",
            "--provider", "local",
            "--worker-secret", secret,
            "--max-queue-len", "0",
            "--log-level", "warn",
            .. proxyArguments,
        ], environment));
        var proxyAddress = new Uri($"http://127.0.0.1:{port}/");
        var workers = new List<ChildProcess>();
        var relay = new RelayProcesses(proxy, workers, proxyAddress, secret);
        try
        {
            await relay.WaitForWorkersAsync(http, 0, ReadyTimeout, cancellationToken).ConfigureAwait(false);
            if (backend is null)
            {
                return relay;
            }

            for (var i = 1; i <= workerCount; i++)
            {
                var suffix = workerCount == 1 ? "" : "-" + i.ToString(CultureInfo.InvariantCulture);
                workers.Add(CorePinning.Start(pinning, plan => plan.Workers, () => BenchChildren.Start("rxrelay-worker" + suffix, programs.Worker,
                [
                    "--proxy-url", $"http://127.0.0.1:{port}",
                    "--worker-secret", secret,
                    "--provider", "local",
                    "--worker-name", "bench-worker" + suffix,
                    "--models", Model,
                    "--max-concurrency", "128",
                    "--backend-url", backend.GetLeftPart(UriPartial.Authority),
                    "--log-level", "warn",
                ], environment)));
            }

            await relay.WaitForWorkersAsync(http, workerCount, ReadyTimeout, cancellationToken).ConfigureAwait(false);
            return relay;
        }
        catch
        {
            await relay.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
