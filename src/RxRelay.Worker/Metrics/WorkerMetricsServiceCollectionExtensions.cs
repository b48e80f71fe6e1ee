using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace RxRelay.Worker.Metrics;

/// <summary>
/// The worker's metrics: the instruments always (recording into an unobserved meter costs next to
/// nothing), and with <c>--metrics-listen</c> the <see cref="MetricsEndpoint"/> that serves them.
/// </summary>
internal static class WorkerMetricsServiceCollectionExtensions
{
    public static IServiceCollection AddWorkerMetrics(this IServiceCollection services, IPEndPoint? listen)
    {
        services.AddMetrics();
        services.AddSingleton<WorkerMetrics>();
        if (listen is not null)
        {
            // No address, no endpoint: the worker opens nothing unless asked to.
            services.AddHostedService(_ => new MetricsEndpoint(listen));
        }

        return services;
    }
}
