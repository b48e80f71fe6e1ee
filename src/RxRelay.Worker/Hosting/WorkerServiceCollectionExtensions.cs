using System.Reactive.Concurrency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RxRelay.Reactive;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Connection;
using RxRelay.Worker.Metrics;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Hosting;

/// <summary>Registers the worker: its options, clocks, connection pipeline, relay and hosted service.</summary>
internal static class WorkerServiceCollectionExtensions
{
    /// <summary>Time the host gives stop work beyond the drain itself (models_update, close handshake).</summary>
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(10);

    public static IServiceCollection AddRxRelayWorker(this IServiceCollection services, WorkerOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IScheduler>(TaskPoolScheduler.Default);
        services.AddWorkerMetrics(options.MetricsListen);
        services.AddBackendRelay();
        services.AddSingleton<IAdvertisedModels, CatalogModels>();
        services.AddSingleton<IProxyLinkFactory, WebsocketProxyLinkFactory>();
        services.AddSingleton(CreatePolicy(options));
        services.AddSingleton<WorkerConnection>();
        services.AddHostedService<WorkerConnectionService>();
        // The default 30 s host stop timeout would cut a drain configured longer than that.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout + StopMargin);
        return services;
    }

    // Jitter comes from a random source, not the clock (upstream's clock-derived jitter makes workers
    // restarted together reconnect together, docs/differences-from-upstream.md#worker-random-jitter).
    private static ReconnectPolicy CreatePolicy(WorkerOptions options)
    {
        var policyOptions = new ReconnectPolicyOptions { LongSessionThreshold = options.IdleTimeout };
        return new(policyOptions, () => Random.Shared.Next(policyOptions.JitterRangeMilliseconds));
    }
}
