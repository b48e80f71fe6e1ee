using Microsoft.Extensions.Logging;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Metrics;

namespace RxRelay.Worker.Relay;

/// <summary>
/// Creates the relay of each session: requests go to the configured backend over HTTP. Registered with
/// <see cref="RelayServiceCollectionExtensions.AddBackendRelay"/>, it shares the process-wide
/// <see cref="BackendHttp"/> and <see cref="ModelCatalog"/>; registered alone, it owns both.
/// </summary>
internal sealed class BackendRelaySessionFactory : IRelaySessionFactory, IDisposable
{
    private readonly RelaySessionContext _context;
    private readonly BackendHttp? _ownedBackend;

    public BackendRelaySessionFactory(
        WorkerOptions options,
        BackendHttp backend,
        ModelCatalog catalog,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        WorkerMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Catalog = catalog;
        _context = new RelaySessionContext(
            backend,
            catalog,
            new EndpointAllowlist(options.ExtraEndpointPaths),
            options.MaxConcurrency,
            timeProvider,
            loggerFactory.CreateLogger<BackendRelaySession>(),
            metrics);
    }

    /// <summary>
    /// For a container without <c>AddBackendRelay</c> (only options, logging and a clock): DI picks this
    /// constructor when <see cref="BackendHttp"/> and <see cref="ModelCatalog"/> are not registered.
    /// </summary>
    public BackendRelaySessionFactory(WorkerOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
        : this(options, new BackendHttp(options), loggerFactory, timeProvider)
    {
    }

    private BackendRelaySessionFactory(WorkerOptions options, BackendHttp backend, ILoggerFactory loggerFactory, TimeProvider timeProvider)
        : this(options, backend, new ModelCatalog(options, backend, timeProvider, loggerFactory.CreateLogger<ModelCatalog>()), loggerFactory, timeProvider)
        => _ownedBackend = backend;

    /// <summary>The models to register with; resolve it once (<see cref="ModelCatalog.ResolveAsync"/>) before connecting.</summary>
    public ModelCatalog Catalog { get; }

    public IRelaySession Create(IWorkerOutbound outbound) => new BackendRelaySession(outbound, _context);

    public void Dispose() => _ownedBackend?.Dispose();
}
