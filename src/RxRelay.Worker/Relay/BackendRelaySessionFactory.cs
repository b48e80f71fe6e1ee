using Microsoft.Extensions.Logging;
using RxRelay.Worker.Configuration;

namespace RxRelay.Worker.Relay;

/// <summary>Creates the relay of each session: requests go to the configured backend over HTTP.</summary>
internal sealed class BackendRelaySessionFactory(WorkerOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider) : IRelaySessionFactory
{
    public IRelaySession Create(IWorkerOutbound outbound)
        => throw new NotImplementedException($"lands with the relay work ({options.BackendUrl}, {loggerFactory}, {timeProvider})");
}
