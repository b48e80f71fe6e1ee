using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace RxRelay.Worker.Metrics;

/// <summary>
/// The worker's metrics: the instruments always (recording into an unobserved meter costs next to nothing),
/// and with <c>--metrics-listen</c> an OpenTelemetry meter provider whose Prometheus exporter serves
/// <c>GET /metrics</c> on its own HttpListener. The worker is a Generic Host with no web server; the
/// stand-alone listener needs none (docs: README.md#monitoring).
/// </summary>
internal static class WorkerMetricsServiceCollectionExtensions
{
    /// <summary>The scrape path, the Prometheus convention.</summary>
    public const string ScrapePath = "/metrics";

    public static IServiceCollection AddWorkerMetrics(this IServiceCollection services, IPEndPoint? listen)
    {
        services.AddMetrics();
        services.AddSingleton<WorkerMetrics>();
        if (listen is null)
        {
            // No port, no provider: the worker opens nothing unless asked to.
            return services;
        }

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(WorkerMetrics.MeterName)
            .AddPrometheusHttpListener(exporter =>
            {
                exporter.Port = listen.Port;
                exporter.ScrapeEndpointPath = ScrapePath;
                // The exporter's own Host setting takes only names a Uri accepts (no "*", no bracketed IPv6): the prefix is set here instead.
                exporter.ConfigureHttpListener = (_, listener) =>
                {
                    listener.Prefixes.Clear();
                    listener.Prefixes.Add(PrefixOf(listen));
                };
            }));
        return services;
    }

    // An HttpListener prefix that admits only the scrape path: "*" binds every interface and answers any
    // Host header; an IPv4 literal binds that address only (the managed listener cannot parse an IPv6 literal,
    // so the option accepts none but [::], WorkerOptionRules.ParseEndPoint).
    internal static string PrefixOf(IPEndPoint listen)
    {
        var address = listen.Address;
        var host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "*" : address.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"http://{host}:{listen.Port}{ScrapePath}/");
    }
}
