using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace RxRelay.Worker.Metrics;

/// <summary>
/// <c>GET /metrics</c> in Prometheus text format on <c>--metrics-listen</c>: a minimal Kestrel app with
/// OpenTelemetry's Prometheus exporter, started and stopped with the worker's host. It has its own small
/// container; its meter provider reads the worker's meter (<see cref="WorkerMetrics.MeterName"/>) by name.
/// </summary>
/// <remarks>
/// Not the exporter's stand-alone HttpListener: .NET's managed HttpListener throws from its start when a
/// connection is already waiting on the port (a scrape during a restart), which killed the worker at
/// start-up in the container check. Kestrel binds any IP literal and reports a taken port as an error.
/// </remarks>
internal sealed class MetricsEndpoint(IPEndPoint listen) : IHostedService, IAsyncDisposable
{
    /// <summary>The scrape path, the Prometheus convention.</summary>
    public const string ScrapePath = "/metrics";

    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // No args and no content root: nothing from the worker's command line or environment reconfigures it.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(listen));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(WorkerMetrics.MeterName)
            .AddPrometheusExporter());
        _app = builder.Build();
        _app.MapPrometheusScrapingEndpoint(ScrapePath);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken)
        => _app is null ? Task.CompletedTask : _app.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;
}
