namespace RxRelay.EndToEndTests.Cluster;

/// <summary>Worker processes of the rig: they dial nginx, and the rig finds out which replica each landed on.</summary>
internal sealed partial class ClusterRig
{
    /// <summary>The models every rig worker serves: the backend's OpenAI model and the Anthropic one.</summary>
    public static readonly IReadOnlyList<string> Models = [Bodies.OpenAiModel, Bodies.AnthropicModel];

    /// <summary>Starts an <c>rxrelay-worker</c> that dials nginx; waits for its registration to be acknowledged.</summary>
    public async Task<ChildProcess> StartWorkerAsync(string name, int maxConcurrency = 1, Uri? backend = null)
    {
        var settings = new WorkerSettings
        {
            ProxyUrl = Nginx.Url,
            BackendUrl = backend ?? Backend.BaseAddress,
            Name = name,
            Models = Models,
            MaxConcurrency = maxConcurrency,
        };
        var worker = Track(ChildProcess.Start(name, ProgramPaths.Worker, settings.ToArguments(), ProgramPaths.Isolated));
        await worker.WaitForLineAsync("registration acknowledged", Bounds.Startup);
        return worker;
    }

    /// <summary>The replica whose <c>/admin/workers</c> lists <paramref name="workerName"/> (waits for it, bounded).</summary>
    public async Task<Replica> WhereIsAsync(string workerName, TimeSpan? timeout = null)
    {
        Replica? found = null;
        await Eventually.UntilAsync(async () =>
        {
            foreach (var replica in Replicas.Where(r => !r.Process.HasExited))
            {
                if ((await replica.WorkersAsync()).Any(w => w.Name == workerName))
                {
                    found = replica;
                    return true;
                }
            }

            return false;
        }, timeout ?? Bounds.Registration, $"worker {workerName} in some replica's /admin/workers");
        return found!;
    }

    /// <summary>
    /// Starts a worker through nginx that lands on none of <paramref name="avoid"/>: nginx chooses the replica
    /// (round robin), so a worker that landed on one to avoid is killed and dialled again (bounded tries).
    /// </summary>
    public async Task<(ChildProcess Worker, Replica On)> StartWorkerAvoidingAsync(string name, IReadOnlyCollection<Replica> avoid, int maxConcurrency = 1, Uri? backend = null)
    {
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            var worker = await StartWorkerAsync(name, maxConcurrency, backend);
            var on = await WhereIsAsync(name);
            if (!avoid.Contains(on))
            {
                return (worker, on);
            }

            await worker.KillAsync();
            await Eventually.UntilAsync(async () => (await on.WorkersAsync()).All(w => w.Name != name), Bounds.Registration, $"{name} gone from {on.Id}");
        }

        throw new InvalidOperationException($"worker {name} landed on {string.Join(", ", avoid.Select(r => r.Id))} six times through nginx");
    }
}
