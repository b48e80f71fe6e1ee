using Microsoft.Extensions.Logging;
using RxRelay.Worker.Metrics;

namespace RxRelay.Worker.Relay;

/// <summary>What every relay session of the process shares: the backend client, the catalog, the limits.</summary>
/// <param name="Backend">The pooled HTTP client to the backend.</param>
/// <param name="Catalog">The advertised models; refreshed by <c>models_refresh</c>.</param>
/// <param name="Allowlist">The endpoint paths a request may name.</param>
/// <param name="MaxConcurrency">Requests in flight per session before new ones get 503.</param>
/// <param name="TimeProvider">The clock of drain deadlines and query timeouts.</param>
/// <param name="Logger">The relay's logger.</param>
/// <param name="Metrics">The request instruments; null records nothing.</param>
internal sealed record RelaySessionContext(
    BackendHttp Backend,
    ModelCatalog Catalog,
    EndpointAllowlist Allowlist,
    uint MaxConcurrency,
    TimeProvider TimeProvider,
    ILogger Logger,
    WorkerMetrics? Metrics = null);
