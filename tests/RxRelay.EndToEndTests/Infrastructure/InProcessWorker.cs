using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Hosting;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// A worker hosted in the test process exactly as <c>Program.cs</c> composes it (same service
/// registration), minus Serilog. Fifty of these cost far less than fifty processes.
/// </summary>
internal sealed class InProcessWorker : IAsyncDisposable
{
    /// <summary>
    /// The worker's own log line for a completed registration (src/RxRelay.Worker/README.md#logs).
    /// </summary>
    public const string RegisteredLine = "connected to proxy, registered worker";

    private readonly IHost _host;
    private readonly FakeLogCollector _log;

    private InProcessWorker(IHost host, FakeLogCollector log)
    {
        _host = host;
        _log = log;
    }

    /// <summary>
    /// The worker's log lines (Information and up), stamped on the clock the test shares across hosts, so
    /// events of many workers (e.g. "connected to proxy, registered worker") can be compared in time.
    /// </summary>
    public IReadOnlyList<(TimeSpan At, string Text)> LogEntries
        => [.. _log.GetSnapshot().Select(record => (record.Timestamp - DateTimeOffset.UnixEpoch, record.Message))];

    /// <summary>Times (on the shared clock) of every "registered" log line, in order.</summary>
    public IReadOnlyList<TimeSpan> Registrations
        => [.. LogEntries.Where(e => e.Text.StartsWith(RegisteredLine, StringComparison.Ordinal)).Select(e => e.At)];

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
        var log = FakeLogCollector.Create(new FakeLogCollectorOptions { TimeProvider = new SharedClock(clock) });
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddProvider(new FakeLoggerProvider(log));
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

    /// <summary>The test's shared stopwatch as a clock: a log record's timestamp minus the epoch is the time on it.</summary>
    private sealed class SharedClock(Stopwatch clock) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch + clock.Elapsed;
    }
}
