using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxRelay.EchoBackend;
using RxRelay.IntegrationTests.FakeProxies;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Hosting;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>
/// The whole worker as <c>Program.cs</c> wires it (<c>AddRxRelayWorker</c> on a Generic Host) between a
/// scripted proxy and a real backend, all on loopback port 0. Starting it waits for the worker's
/// connection and its <c>register</c> frame; disposing stops the host (bounded) and then everything else.
/// </summary>
internal sealed class WorkerStack : IAsyncDisposable
{
    public const string WorkerName = "relay-box";

    /// <summary>Generous bound for "something happens" on a loaded 2-core machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly IAsyncDisposable _backend;
    private bool _stopped;

    private WorkerStack(FakeProxy proxy, IHost host, IAsyncDisposable backend, WorkerOptions options, FakeLogCollector logs)
    {
        Logs = logs;
        Proxy = proxy;
        Host = host;
        _backend = backend;
        Options = options;
    }

    public FakeProxy Proxy { get; }

    /// <summary>The scripted backend, when the stack was started with one.</summary>
    public ScriptedBackend Backend { get; private set; } = null!;

    public IHost Host { get; }

    public WorkerOptions Options { get; }

    /// <summary>The worker's first connection to the proxy.</summary>
    public ProxyConnection Socket { get; private set; } = null!;

    /// <summary>The first frame the worker sent on <see cref="Socket"/>.</summary>
    public string RegisterFrame { get; private set; } = "";

    /// <summary>What the worker logged (Debug and up), for diagnosing a failure.</summary>
    public FakeLogCollector Logs { get; }

    /// <summary>An echo backend with <paramref name="models"/> on a frozen clock, and the worker in front of it.</summary>
    public static async Task<WorkerStack> StartEchoAsync(Func<WorkerOptions, WorkerOptions>? configure = null, params string[] models)
    {
        var echo = await EchoBackendApp.StartAsync(EchoOptions(models));
        return await StartAsync(echo.BaseAddress.ToString(), echo, configure);
    }

    /// <summary>A <see cref="ScriptedBackend"/> running <paramref name="script"/>, and the worker in front of it.</summary>
    public static async Task<WorkerStack> StartScriptedAsync(Func<BackendCall, Task> script, Func<WorkerOptions, WorkerOptions>? configure = null)
    {
        var backend = await ScriptedBackend.StartAsync(script);
        var stack = await StartAsync(backend.Url, backend, configure);
        stack.Backend = backend;
        return stack;
    }

    public static EchoBackendOptions EchoOptions(params string[] models) => new()
    {
        Listen = ListenAddress.LoopbackAnyPort,
        Models = models.Length > 0 ? models : ["echo-model"],
        TimeProvider = FrozenClock.Instance,
    };

    private static async Task<WorkerStack> StartAsync(string backendUrl, IAsyncDisposable backend, Func<WorkerOptions, WorkerOptions>? configure)
    {
        var proxy = await FakeProxy.StartAsync();
        var options = new WorkerOptions
        {
            ProxyUrl = proxy.BaseUrl,
            Provider = "local",
            WorkerSecret = "relay-secret",
            WorkerName = WorkerName,
            Models = ["echo-model"],
            MaxConcurrency = 4,
            BackendUrl = backendUrl,
            ShutdownTimeout = TimeSpan.FromSeconds(2),
        };
        options = configure?.Invoke(options) ?? options;

        var logs = new FakeLogCollector();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddRxRelayWorker(options);
        var host = builder.Build();
        var stack = new WorkerStack(proxy, host, backend, options, logs);
        try
        {
            await host.StartAsync();
            stack.Socket = await proxy.NextConnectionAsync(Patience);
            stack.RegisterFrame = await stack.Socket.NextTextAsync(Patience);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a frame on the first connection.</summary>
    public Task SendAsync(string json) => Socket.SendTextAsync(json);

    /// <summary>The next frame on the first connection.</summary>
    public Task<string> NextFrameAsync() => Socket.NextTextAsync(Patience);

    /// <summary>Sends a <c>ping</c> on the first connection and returns the frame that answers it.</summary>
    public async Task<string> PingAsync()
    {
        await SendAsync(Frames.Ping);
        return await NextFrameAsync();
    }

    /// <summary>Host stop, as SIGTERM does it; bounded by <see cref="Patience"/>.</summary>
    public async Task StopHostAsync()
    {
        _stopped = true;
        using var patience = new CancellationTokenSource(Patience);
        await Host.StopAsync(patience.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_stopped)
            {
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Host.StopAsync(patience.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // A test that left work held: disposal below tears it down anyway.
        }
        finally
        {
            Host.Dispose();
            await Proxy.DisposeAsync();
            await _backend.DisposeAsync();
        }
    }
}
