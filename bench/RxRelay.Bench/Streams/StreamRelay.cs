using System.Globalization;
using RxRelay.Bench.Cores;
using RxRelay.Bench.Targets;

namespace RxRelay.Bench.Streams;

/// <summary>
/// RxRelay for the streams cell: the usual proxy (<c>--max-queue-len 0</c>, so the queue never rejects) and
/// <c>--workers</c> workers that share the largest N between them: each has
/// <c>--max-concurrency ceil(N / workers)</c>, so all N streams run at once and none waits in the queue. With
/// <c>--cpus</c>, the proxy runs on the plan's proxy set and every worker on its workers set, as in the load cells.
/// </summary>
internal sealed class StreamRelay : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly RelayProcesses _proxy;
    private readonly List<ChildProcess> _workers;

    private StreamRelay(RelayProcesses proxy, List<ChildProcess> workers)
    {
        _proxy = proxy;
        _workers = workers;
    }

    public Uri ProxyAddress => _proxy.ProxyAddress;

    /// <summary>The proxy first, then every worker.</summary>
    public IReadOnlyList<ChildProcess> Processes => [_proxy.Proxy, .. _workers];

    public static async Task<StreamRelay> StartAsync(
        PublishedPrograms programs, Uri backend, HttpClient http, IReadOnlyDictionary<string, string> environment,
        int workers, int concurrencyPerWorker, CorePinning? pinning, CancellationToken cancellationToken)
    {
        // Zero workers: the proxy alone (on its cores when pinned); this cell starts its own workers, with its own --max-concurrency.
        var proxy = await RelayProcesses.StartAsync(programs, backend, http, environment, workers: 0, pinning, cancellationToken).ConfigureAwait(false);
        var relay = new StreamRelay(proxy, []);
        try
        {
            for (var i = 1; i <= workers; i++)
            {
                relay._workers.Add(CorePinning.Start(pinning, plan => plan.Workers, () => BenchChildren.Start($"rxrelay-worker-{i}", programs.Worker,
                [
                    "--proxy-url", proxy.ProxyAddress.GetLeftPart(UriPartial.Authority),
                    "--worker-secret", proxy.Secret,
                    "--provider", "local",
                    "--worker-name", $"bench-stream-worker-{i}",
                    "--models", RelayProcesses.Model,
                    "--max-concurrency", concurrencyPerWorker.ToString(CultureInfo.InvariantCulture),
                    "--backend-url", backend.GetLeftPart(UriPartial.Authority),
                    "--log-level", "warn",
                ], environment)));
            }

            await proxy.WaitForWorkersAsync(http, workers, ReadyTimeout, cancellationToken).ConfigureAwait(false);
            if (relay._workers.FirstOrDefault(w => w.HasExited) is { } dead)
            {
                throw dead.Failure("exited");
            }

            return relay;
        }
        catch
        {
            await relay.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }

        await _proxy.DisposeAsync().ConfigureAwait(false);
    }
}
