using System.Collections.Concurrent;
using System.Diagnostics;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>What one request of a batch or a load loop got: status and body, or the exception; and how long it took.</summary>
internal sealed record RequestOutcome(ClusterRequest Request, int Status, string Body, string? Error, TimeSpan Elapsed)
{
    /// <summary>200 with exactly the body <see cref="ClusterBackend"/> gives for the request.</summary>
    public bool IsExpected => Error is null && Status == 200 && Body == ClusterBackend.Expected(Request);

    public override string ToString() =>
        $"#{Request.Number} {Request.Path} stream={Request.Stream}: " + (Error ?? $"{Status} {Body}") + $" after {Elapsed.TotalMilliseconds:0} ms";
}

/// <summary>Requests sent as a batch with bounded concurrency, or as steady load until stopped; every outcome is kept.</summary>
internal sealed class ClusterLoad : IAsyncDisposable
{
    private readonly ConcurrentQueue<RequestOutcome> _outcomes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private int _next;

    private ClusterLoad(HttpClient http, int loops, TimeSpan timeout)
    {
        _running = Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                _outcomes.Enqueue(await SendAsync(http, ClusterRequest.Of(Interlocked.Increment(ref _next)), timeout));
            }
        })));
    }

    /// <summary>Every outcome so far, in completion order.</summary>
    public IReadOnlyList<RequestOutcome> Outcomes => [.. _outcomes];

    /// <summary>Starts <paramref name="loops"/> loops, each sending the next request as soon as the last ended.</summary>
    public static ClusterLoad Start(HttpClient http, int loops, TimeSpan timeout) => new(http, loops, timeout);

    /// <summary>Sends every request, at most <paramref name="degree"/> at once; returns the outcomes in request order.</summary>
    public static async Task<IReadOnlyList<RequestOutcome>> RunAsync(HttpClient http, IReadOnlyList<ClusterRequest> requests, int degree, TimeSpan? timeout = null)
    {
        var outcomes = new RequestOutcome[requests.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, requests.Count),
            new ParallelOptions { MaxDegreeOfParallelism = degree },
            async (i, _) => outcomes[i] = await SendAsync(http, requests[i], timeout ?? Bounds.Prompt));
        return outcomes;
    }

    /// <summary>One request, whole body read, bounded; a failure is an outcome, not an exception.</summary>
    public static async Task<RequestOutcome> SendAsync(HttpClient http, ClusterRequest request, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var (status, body) = await ClusterRig.SendAsync(http, request.Path, request.Body, apiKey: null, timeout);
            return new(request, status, body, null, clock.Elapsed);
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException or IOException)
        {
            return new(request, 0, "", $"{error.GetType().Name}: {error.Message}", clock.Elapsed);
        }
    }

    /// <summary>Stops the loops (each finishes its request in flight) and returns every outcome.</summary>
    public async Task<IReadOnlyList<RequestOutcome>> StopAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(Bounds.Startup);
        return Outcomes;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(Bounds.Startup).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
