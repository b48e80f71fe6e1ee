using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// A purpose-built backend (Kestrel on 127.0.0.1:0) whose answers the test scripts through
/// <see cref="Handler"/>: mock OpenAI/Anthropic answers, holds, hangs, mid-stream faults. Every call is
/// recorded in arrival order.
/// </summary>
internal sealed class ScriptedBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<BackendCall> _calls = [];
    private readonly SemaphoreSlim _arrived = new(0);

    private ScriptedBackend(WebApplication app) => _app = app;

    /// <summary>How each call is answered; the default is a 200 JSON echo of the path.</summary>
    public Func<BackendCall, Task> Handler { get; set; } = call => call.RespondAsync(200, $"{{\"path\":\"{call.Path}\"}}", ("content-type", "application/json"));

    /// <summary>The models <c>GET /v1/models</c> lists.</summary>
    public IReadOnlyList<string> Models { get; set; } = ["gpt-4.1-mini"];

    public Uri BaseAddress => new(_app.Urls.First());

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

    public static async Task<ScriptedBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var backend = new ScriptedBackend(app);
        app.MapGet("/v1/models", () => Results.Json(new
        {
            @object = "list",
            data = backend.Models.Select(id => new { id, @object = "model" }),
        }));
        app.MapPost("/{**path}", backend.HandleAsync);
        await app.StartAsync();
        return backend;
    }

    /// <summary>Waits until at least <paramref name="count"/> calls arrived; returns the <paramref name="count"/>-th.</summary>
    public async Task<BackendCall> WaitForCallAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Calls.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"backend received {Calls.Count} calls, expected {count} within {timeout.TotalSeconds:0.#} s");
            }
        }

        return Calls[count - 1];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var call in Calls)
        {
            call.Release();
        }

        await _app.StopAsync().WaitAsync(Bounds.Prompt);
        await _app.DisposeAsync();
        _arrived.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var call = new BackendCall(context, await reader.ReadToEndAsync(context.RequestAborted));
        lock (_calls)
        {
            _calls.Add(call);
        }

        _arrived.Release();
        try
        {
            await Handler(call);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException || context.RequestAborted.IsCancellationRequested)
        {
            // The worker went away mid-answer: that is what the fault tests provoke.
        }
    }
}
