using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RxRelay.Worker.Relay;

/// <summary>Registers the backend relay. The host needs <c>WorkerOptions</c> registered first.</summary>
internal static class RelayServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="BackendHttp"/> (one pooled client for the process), <see cref="ModelCatalog"/>
    /// (resolve it before the first connect, register with its <c>Current</c>) and the
    /// <see cref="IRelaySessionFactory"/>.
    /// </summary>
    public static IServiceCollection AddBackendRelay(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BackendHttp>();
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton<IRelaySessionFactory, BackendRelaySessionFactory>();
        return services;
    }
}
