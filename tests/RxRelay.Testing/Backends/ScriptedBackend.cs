using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RxRelay.Testing.Backends;

/// <summary>
/// A purpose-built backend on real Kestrel (127.0.0.1, port 0 unless told) whose every answer the test
/// scripts through <see cref="Handler"/>: mock OpenAI/Anthropic answers, holds, hangs, mid-stream faults.
/// Every request is recorded, in arrival order, as a <see cref="BackendCall"/>.
/// </summary>
public sealed class ScriptedBackend : IAsyncDisposable
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Channel<BackendCall> _arrivals = Channel.CreateUnbounded<BackendCall>();
    private readonly List<BackendCall> _calls = [];
    private TaskCompletionSource _arrived = NewSignal();

    private ScriptedBackend(WebApplication app, Func<BackendCall, Task>? handler)
    {
        _app = app;
        Handler = handler ?? EchoPathAsync;
    }

    /// <summary>How each call is answered; replaceable at any time. The default is a 200 JSON echo of the path.</summary>
    public Func<BackendCall, Task> Handler { get; set; }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Url => _app.Urls.Single();

    /// <summary>The base address as a <see cref="Uri"/>.</summary>
    public Uri BaseAddress => new(Url);

    /// <summary>Every request that reached <see cref="Handler"/>, in arrival order.</summary>
    public IReadOnlyList<BackendCall> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Starts a backend answered by <paramref name="handler"/> (the default echo when <c>null</c>).</summary>
    public static async Task<ScriptedBackend> StartAsync(Func<BackendCall, Task>? handler = null, ScriptedBackendOptions? options = null)
    {
        options ??= new ScriptedBackendOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.AddServerHeader = false;
            // Backpressure tests stall the reader on purpose; Kestrel must not cut it as a slow client.
            kestrel.Limits.MinResponseDataRate = null;
        });
        var app = builder.Build();
        var backend = new ScriptedBackend(app, handler);
        if (options.Models is { } models)
        {
            app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = models.Select(id => new { id, @object = "model" }) }));
        }

        app.Run(backend.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        return backend;
    }

    /// <summary>The next request to arrive (each is handed out once), waiting at most <paramref name="timeout"/>.</summary>
    public async Task<BackendCall> NextCallAsync(TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout);
        return await _arrivals.Reader.ReadAsync(bound.Token).ConfigureAwait(false);
    }

    /// <summary>Waits until at least <paramref name="count"/> calls arrived; returns the <paramref name="count"/>-th.</summary>
    /// <exception cref="TimeoutException">Fewer arrived within <paramref name="timeout"/>.</exception>
    public async Task<BackendCall> WaitForCallAsync(int count, TimeSpan timeout)
    {
        var deadline = _clock.Elapsed + timeout;
        while (true)
        {
            Task arrived;
            lock (_calls)
            {
                if (_calls.Count >= count)
                {
                    return _calls[count - 1];
                }

                arrived = _arrived.Task;
            }

            var left = deadline - _clock.Elapsed;
            if (left <= TimeSpan.Zero || await Task.WhenAny(arrived, Task.Delay(left)).ConfigureAwait(false) != arrived)
            {
                throw new TimeoutException($"backend received {Calls.Count} calls, expected {count} within {timeout.TotalSeconds:0.#} s");
            }
        }
    }

    /// <summary>Releases every held call, then stops the server (bounded).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var call in Calls)
        {
            call.Release();
        }

        using var bound = new CancellationTokenSource(StopBound);
        await _app.StopAsync(bound.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static Task EchoPathAsync(BackendCall call) =>
        call.RespondAsync(200, $"{{\"path\":\"{call.Path}\"}}", ("content-type", "application/json"));

    private async Task HandleAsync(HttpContext context)
    {
        var body = await BackendCall.ReadBodyAsync(context).ConfigureAwait(false);
        BackendCall call;
        lock (_calls)
        {
            call = new BackendCall(context, _calls.Count + 1, body, _clock);
            _calls.Add(call);
            _arrived.TrySetResult();
            _arrived = NewSignal();
        }

        _arrivals.Writer.TryWrite(call);
        try
        {
            await Handler(call).ConfigureAwait(false);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException || context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away mid-answer: that is what fault tests provoke.
        }
    }
}
