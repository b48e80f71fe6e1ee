using System.Collections.Concurrent;
using System.Diagnostics;

namespace RxRelay.Bench.Scale;

/// <summary>
/// Many <see cref="FakeWorker"/>s on one proxy, each registering its own model <c>model-&lt;i&gt;</c>.
/// Grows in steps; connects with bounded parallelism so the proxy's accept queue and the 2-core box
/// are not flooded with thousands of simultaneous handshakes.
/// </summary>
internal sealed class IdleWorkerFleet(Uri proxyAddress, string secret) : IAsyncDisposable
{
    private const int ConnectParallelism = 32;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);

    private readonly List<FakeWorker> _workers = [];

    private Uri ConnectUri => new UriBuilder(proxyAddress) { Scheme = "ws", Path = "/v1/worker/connect", Query = "provider=local" }.Uri;

    public int Count => _workers.Count;

    /// <summary>Connects and registers workers with indexes <c>Count … target-1</c>; returns how long that took.</summary>
    /// <exception cref="InvalidOperationException">Some worker could not connect or register; the message says how many and why.</exception>
    public async Task<TimeSpan> GrowToAsync(int target, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var added = new ConcurrentBag<FakeWorker>();
        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(
            Enumerable.Range(_workers.Count, Math.Max(0, target - _workers.Count)),
            new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                try
                {
                    added.Add(await FakeWorker.ConnectAsync(ConnectUri, secret, index, ConnectTimeout, ct).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    failures.Add($"w{index}: {ex.GetBaseException().Message}");
                }
            }).ConfigureAwait(false);
        _workers.AddRange(added.OrderBy(w => w.Index));
        if (!failures.IsEmpty)
        {
            throw new InvalidOperationException(
                $"{failures.Count} of {target} idle workers failed to connect/register (first: {failures.First()}). " +
                $"Each worker holds one socket in this process and one in the proxy: check `ulimit -n` (now {FileDescriptorLimit.Describe()}).");
        }

        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Disconnects every worker from index <paramref name="target"/> on (the newest first go).</summary>
    public async Task ShrinkToAsync(int target)
    {
        var leaving = _workers.Skip(target).ToList();
        _workers.RemoveRange(target, leaving.Count);
        await Parallel.ForEachAsync(leaving, async (w, _) => await w.DisposeAsync().ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Workers whose socket broke after registration.</summary>
    public IEnumerable<string> Broken => _workers.Select(w => w.Failure).OfType<string>();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Parallel.ForEachAsync(_workers, async (w, _) => await w.DisposeAsync().ConfigureAwait(false)).ConfigureAwait(false);
        _workers.Clear();
    }
}
