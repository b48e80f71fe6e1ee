using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Connection;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Hosting;

/// <summary>
/// Runs the connection pipeline for the life of the host. On host stop (SIGTERM, Ctrl-C, systemd stop)
/// it drains the current session and closes it with 1000 before the pipeline is disposed.
/// </summary>
internal sealed partial class WorkerConnectionService(
    WorkerConnection connection,
    ModelCatalog catalog,
    WorkerOptions options,
    ILogger<WorkerConnectionService> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        LogStarting(options.ProxyUrl, options.Provider, options.WorkerName, options.Models, options.MaxConcurrency, options.BackendUrl);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        LogStopping();
        try
        {
            await connection.StopAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's stop budget ran out (a proxy that never answers our close, a stalled socket).
            // Stopping is still a clean exit: the pipeline below drops the connection.
            LogStopTimedOut();
        }
        finally
        {
            await base.StopAsync(cancellationToken);
        }
    }

    // Completes on its own after a drained stop; otherwise the stopping token disposes the pipeline.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Once, before the first connect: a configured "*" becomes the backend's model list (docs/protocol.md#models).
            await catalog.ResolveAsync(stoppingToken);
            await connection.Run().LastOrDefaultAsync().ToTask(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "rxrelay-worker starting proxy={Proxy} provider={Provider} name={Name} models={Models} concurrency={Concurrency} backend={Backend}")]
    private partial void LogStarting(string proxy, string provider, string name, IReadOnlyList<string> models, uint concurrency, string backend);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "rxrelay-worker shutting down gracefully")]
    private partial void LogStopping();

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "shutdown did not finish within the host's stop timeout, dropping the connection")]
    private partial void LogStopTimedOut();
}
