using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Hosting;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// A worker hosted in the test process exactly as <c>Program.cs</c> composes it (same service
/// registration), minus Serilog. Fifty of these cost far less than fifty processes.
/// </summary>
internal sealed class InProcessWorker : IAsyncDisposable
{
    /// <summary>The worker's own log line for a completed registration (reference section 9).</summary>
    public const string RegisteredLine = "connected to proxy, registered worker";

    private readonly IHost _host;

    private InProcessWorker(IHost host, CapturedLog log)
    {
        _host = host;
        Log = log;
    }

    public CapturedLog Log { get; }

    /// <summary>Times (on the shared clock) of every "registered" log line, in order.</summary>
    public IReadOnlyList<TimeSpan> Registrations
        => [.. Log.Entries.Where(e => e.Text.StartsWith(RegisteredLine, StringComparison.Ordinal)).Select(e => e.At)];

    public static async Task<InProcessWorker> StartAsync(WorkerSettings settings, Stopwatch clock)
    {
        var options = new WorkerOptions
        {
            ProxyUrl = settings.ProxyUrl.ToString().TrimEnd('/'),
            BackendUrl = settings.BackendUrl.ToString().TrimEnd('/'),
            WorkerSecret = settings.Secret,
            WorkerName = settings.Name,
            Provider = settings.Provider,
            Models = settings.Models,
            MaxConcurrency = (uint)settings.MaxConcurrency,
            IdleTimeout = settings.IdleTimeout,
            ShutdownTimeout = TimeSpan.FromSeconds(settings.ShutdownTimeoutSecs),
        };
        var log = new CapturedLog(clock);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.Services.AddRxRelayWorker(options);
        var host = builder.Build();
        await host.StartAsync().WaitAsync(Bounds.Startup);
        return new InProcessWorker(host, log);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(Bounds.Prompt);
        try
        {
            await _host.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // A drain that overran its bound; the dispose below drops what is left.
        }

        _host.Dispose();
    }
}
