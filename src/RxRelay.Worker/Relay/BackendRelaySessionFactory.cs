using Microsoft.Extensions.Logging;
using RxRelay.Worker.Configuration;

namespace RxRelay.Worker.Relay;

/// <summary>Creates the relay of each session: requests go to the configured backend over HTTP.</summary>
internal sealed class BackendRelaySessionFactory : IRelaySessionFactory
{
    private readonly RelaySessionContext _context;

    public BackendRelaySessionFactory(
        WorkerOptions options,
        BackendHttp backend,
        ModelCatalog catalog,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _context = new RelaySessionContext(
            backend,
            catalog,
            new EndpointAllowlist(options.ExtraEndpointPaths),
            options.MaxConcurrency,
            timeProvider,
            loggerFactory.CreateLogger<BackendRelaySession>());
    }

    public IRelaySession Create(IWorkerOutbound outbound) => new BackendRelaySession(outbound, _context);
}
