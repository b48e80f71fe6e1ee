using RxRelay.Bench.Load;
using RxRelay.Bench.Report;
using RxRelay.Bench.Targets;

namespace RxRelay.Bench.Cluster;

/// <summary>
/// The cluster cell (<c>--cluster</c>): what forwarding a request to a peer replica costs. The same load is driven
/// at replica B, which runs it on its own worker (<c>local</c>), and at replica A, which has no worker and forwards
/// every request to B (<c>forwarded</c>), alternating local and forwarded for every cell and round. A forwarded
/// cell counts only when A's <c>rxrelay_peer_forwards_total{outcome="served"}</c> grew by exactly the requests it
/// completed, and a local cell only when B forwarded nothing; anything else fails the run loudly.
/// </summary>
internal sealed class ClusterRun(BenchOptions options, Action<string> log)
{
    private readonly RunNotes _notes = new();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Read();
        log($"machine: {machine}");
        var programs = PublishedPrograms.Locate(options.PublishDirectory);
        using var http = BenchRun.CreateClient();
        var (echo, backend) = await EchoBackendProcess.StartAsync(programs, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ClusterComparison> comparisons;
        await using (echo.ConfigureAwait(false))
        {
            var expectedChunks = await ClosedLoopRunner.CountStreamChunksAsync(http, new Uri(backend, "/v1/chat/completions"), Workload.Stream200, "echo", cancellationToken).ConfigureAwait(false);
            log($"echo backend at {backend}; starting PostgreSQL and replicas {ClusterReplicas.ForwardingId} (no worker) and {ClusterReplicas.ServingId} (worker) …");
            var replicas = await ClusterReplicas.StartAsync(programs, backend, http, options.RelayEnvironment, cancellationToken).ConfigureAwait(false);
            await using (replicas.ConfigureAwait(false))
            {
                log($"replica {ClusterReplicas.ServingId} at {replicas.Serving.ProxyAddress}, {ClusterReplicas.ForwardingId} at {replicas.Forwarding.ProxyAddress}; a probe through {ClusterReplicas.ForwardingId} was forwarded");
                var cells = new ClusterCells(replicas, echo, new ClosedLoopRunner(http), http, options, expectedChunks, log);
                comparisons = await MeasureAsync(cells, cancellationToken).ConfigureAwait(false);
            }
        }

        var errors = comparisons.Sum(c => c.Local.Errors + c.Forwarded.Errors);
        if (errors > 0)
        {
            _notes.Fail($"{errors} request(s) failed: exit code 1.");
        }

        Console.WriteLine();
        Console.WriteLine(ClusterTable.Render(machine, options, comparisons, _notes.All));
        var output = options.OutputFile ?? Path.Combine(RepositoryRoot.Find(), "artifacts", "bench", "cluster.json");
        await ClusterJson.WriteAsync(output, machine, options, comparisons, _notes.All, cancellationToken).ConfigureAwait(false);
        log($"wrote {output}");
        return _notes.Failed ? 1 : 0;
    }

    private async Task<IReadOnlyList<ClusterComparison>> MeasureAsync(ClusterCells cells, CancellationToken cancellationToken)
    {
        foreach (var failure in await cells.WarmUpAsync(cancellationToken).ConfigureAwait(false))
        {
            _notes.Fail(failure);
        }

        var selected = BenchRun.Cells.Where(c => options.Cells.Contains($"{c.Workload.Name}:{c.Concurrency}")).ToList();
        var rounds = selected.ToDictionary(c => c, _ => (Local: new List<CellResult>(), Forwarded: new List<CellResult>()));
        for (var round = 1; round <= options.Rounds && !_notes.Failed; round++)
        {
            foreach (var cell in selected)
            {
                foreach (var forwarded in new[] { false, true })
                {
                    log($"round {round}/{options.Rounds} {ClusterCells.ModeName(forwarded)} {cell.Workload.Name} c={cell.Concurrency} …");
                    var (result, failure) = await cells.MeasureAsync(cell.Workload, cell.Concurrency, forwarded, cancellationToken).ConfigureAwait(false);
                    (forwarded ? rounds[cell].Forwarded : rounds[cell].Local).Add(result);
                    if (failure is not null)
                    {
                        _notes.Fail(failure);
                        log("ERROR: " + failure);
                        return Compare(rounds);
                    }
                }
            }
        }

        return Compare(rounds);
    }

    private static List<ClusterComparison> Compare(Dictionary<(Workload Workload, int Concurrency), (List<CellResult> Local, List<CellResult> Forwarded)> rounds) =>
        [.. rounds.Values.Where(r => r.Local.Count > 0 && r.Forwarded.Count == r.Local.Count).Select(r => ClusterComparison.Of(r.Local, r.Forwarded))];
}
