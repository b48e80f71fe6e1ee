using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Hosting;

namespace RxRelay.Proxy.Monitoring;

/// <summary>
/// How metrics leave the proxy: OpenTelemetry's Prometheus exporter on <c>GET /metrics</c>, fed by the
/// proxy's own meter (<see cref="ProxyMetrics"/>) and the platform's (<see cref="PlatformMeters"/>: Kestrel,
/// the runtime). With <see cref="ProxyOptions.MetricsListen"/> a second Kestrel endpoint serves
/// <c>/metrics</c> and nothing else, and the API port answers <c>/metrics</c> with 404.
/// </summary>
internal static class MetricsExposure
{
    /// <summary>The scrape path.</summary>
    public const string Path = "/metrics";

    /// <summary>
    /// The platform meters exported with the proxy's own: Kestrel's (connections) and the runtime's (GC, thread
    /// pool, CPU; observed at scrape time). ASP.NET Core's hosting meter (<c>http.server.*</c>) is left out on
    /// purpose: recording it on every request cost about 15 % of throughput at concurrency 64 on the 2-core
    /// bench box (docs/benchmarks.md#metrics-cost), and <c>rxrelay_*</c> already times every inference request.
    /// </summary>
    public static readonly string[] PlatformMeters = ["Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];

    // Set on every connection accepted by the metrics listener.
    private const string MetricsConnectionKey = "rxrelay.metrics-listener";

    /// <summary>Registers the instruments (always: without a listener they cost nothing) and, when on, the exporter.</summary>
    public static void AddProxyMetrics(this IServiceCollection services, ProxyOptions options)
    {
        services.AddMetrics();
        services.AddSingleton<ProxyMetrics>();
        if (!options.Metrics)
        {
            return;
        }

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ProxyMetrics.MeterName)
            .AddMeter(PlatformMeters)
            // A scrape must see what happened just before it, not a copy cached for 300 ms.
            .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
    }

    /// <summary>Binds <see cref="ProxyOptions.MetricsListen"/>, when set, marking its connections.</summary>
    public static void BindMetricsListener(KestrelServerOptions kestrel, ProxyOptions options)
    {
        if (options.MetricsListen is not { } listen)
        {
            return;
        }

        KestrelListeners.Listen(kestrel, listen, MetricsConnectionKey);
    }

    /// <summary>Serves <c>/metrics</c> where it belongs; on the metrics listener every other path is 404.</summary>
    public static void UseMetricsEndpoint(this WebApplication app, ProxyOptions options)
    {
        var separate = options.MetricsListen is not null;
        if (separate)
        {
            app.Use((context, next) =>
            {
                if (IsMetricsConnection(context) && !context.Request.Path.Equals(Path, StringComparison.Ordinal))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                return next(context);
            });
        }

        if (options.Metrics)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
                context.Request.Path.Equals(Path, StringComparison.Ordinal) && IsMetricsConnection(context) == separate);
        }
    }

    private static bool IsMetricsConnection(HttpContext context) => KestrelListeners.ArrivedOn(context, MetricsConnectionKey);
}
