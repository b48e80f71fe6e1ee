using System.Reactive.Concurrency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Database;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Cluster;

/// <summary>Registers the replica directory in cluster mode; in single replica mode, nothing.</summary>
internal static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ClusterDirectory"/> and <see cref="ClusterForwarder"/> as hosted services when <c>--peer-listen</c>
    /// is set (the database is then registered too).
    /// </summary>
    public static IServiceCollection AddClusterDirectory(this IServiceCollection services, ProxyOptions options, TimeProvider time)
    {
        if (!options.Cluster.IsEnabled)
        {
            return services;
        }

        if (options.Cluster.Errors(options.DatabaseConnectionString is not null, options.Listen) is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options)); // options built in code skip the parser's checks
        }

        services.AddSingleton(new DirectoryTiming()); // a test's host hook may register its own after this one
        services.AddSingleton(sp =>
        {
            var dispatcher = sp.GetRequiredService<Dispatcher>();
            return new ClusterDirectory(
                sp.GetRequiredService<RelayDatabase>(),
                options.Cluster,
                sp.GetRequiredService<DirectoryTiming>(),
                () => new ReplicaOffer(dispatcher.GetModelLoads()),
                TaskPoolScheduler.Default,
                time,
                sp.GetRequiredService<ILogger<ClusterDirectory>>());
        });
        services.AddHostedService(sp => sp.GetRequiredService<ClusterDirectory>());
        services.AddSingleton(sp => new ClusterForwarder(
            sp.GetRequiredService<Dispatcher>(),
            sp.GetRequiredService<ClusterDirectory>(),
            sp.GetRequiredService<PeerClient>(),
            options,
            sp.GetRequiredService<DirectoryTiming>(),
            TaskPoolScheduler.Default,
            time,
            sp.GetRequiredService<Monitoring.ProxyMetrics>(),
            sp.GetRequiredService<ILogger<ClusterForwarder>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ClusterForwarder>());
        return services;
    }
}
