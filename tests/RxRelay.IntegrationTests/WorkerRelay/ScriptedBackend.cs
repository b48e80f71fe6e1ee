using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RxRelay.IntegrationTests.WorkerRelay;

/// <summary>
/// A purpose-built backend on real Kestrel (loopback, port 0) whose every request is answered by the
/// test's script. It records what arrived and, per request, when the worker's connection went away.
/// </summary>
internal sealed class ScriptedBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<BackendCall> _arrivals = Channel.CreateUnbounded<BackendCall>();
    private readonly ConcurrentQueue<BackendCall> _calls = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _count;

    private ScriptedBackend(Func<BackendCall, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(async context =>
        {
            using var body = new StreamReader(context.Request.Body);
            var call = new BackendCall(context, Interlocked.Increment(ref _count), await body.ReadToEndAsync(), _clock, _app!.Lifetime.ApplicationStopping);
            _calls.Enqueue(call);
            _arrivals.Writer.TryWrite(call);
            await script(call);
        });
    }

    public string BaseUrl => _app.Urls.Single();

    /// <summary>Every request that reached the backend, in arrival order.</summary>
    public IReadOnlyList<BackendCall> Calls => [.. _calls];

    public static async Task<ScriptedBackend> StartAsync(Func<BackendCall, Task> script)
    {
        var backend = new ScriptedBackend(script);
        await backend._app.StartAsync();
        return backend;
    }

    /// <summary>The next request to arrive, waiting at most <paramref name="timeout"/>.</summary>
    public async Task<BackendCall> NextCallAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        return await _arrivals.Reader.ReadAsync(cancellation.Token);
    }

    public async ValueTask DisposeAsync()
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(patience.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>One request as the backend saw it.</summary>
internal sealed class BackendCall
{
    private readonly TaskCompletionSource<TimeSpan> _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly CancellationToken _stopping;

    public BackendCall(HttpContext context, int number, string body, Stopwatch clock, CancellationToken stopping)
    {
        _stopping = stopping;
        Context = context;
        Number = number;
        Method = context.Request.Method;
        Path = context.Request.Path.Value ?? "";
        Body = body;
        Headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        context.RequestAborted.Register(() => _aborted.TrySetResult(clock.Elapsed));
    }

    public HttpContext Context { get; }

    /// <summary>1 for the first request the backend received, 2 for the next…</summary>
    public int Number { get; }

    public string Method { get; }

    public string Path { get; }

    /// <summary>The body exactly as received (UTF-8).</summary>
    public string Body { get; }

    /// <summary>Request headers as received, names lowercased.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public HttpResponse Response => Context.Response;

    /// <summary>Completes (with the time on the backend's clock) when the worker's connection for this request goes away.</summary>
    public Task<TimeSpan> Aborted => _aborted.Task;

    /// <summary>Holds the request until <paramref name="release"/> completes, the connection goes away or the backend stops.</summary>
    public async Task HoldAsync(Task release)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(Context.RequestAborted, _stopping);
        try
        {
            await release.WaitAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
