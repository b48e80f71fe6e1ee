using Microsoft.Extensions.Logging;
using RxRelay.Worker.Configuration;

namespace RxRelay.Worker.Relay;

/// <summary>
/// The models this worker advertises. One per process (a singleton): the host resolves it once before
/// the first connect and registers with <see cref="Current"/> on every connect; a successful
/// <c>models_refresh</c> replaces it, so a reconnect registers what the backend last reported.
/// </summary>
internal sealed partial class ModelCatalog
{
    /// <summary>The configured entry that asks the backend for its list.</summary>
    public const string Wildcard = "*";

    /// <summary>How long one <c>/v1/models</c> query may take.</summary>
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);

    private readonly BackendHttp _backend;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ModelCatalog> _logger;
    private volatile IReadOnlyList<string> _current;

    public ModelCatalog(WorkerOptions options, BackendHttp backend, TimeProvider timeProvider, ILogger<ModelCatalog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _current = [.. options.Models];
        _backend = backend;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The list to send in <c>register</c>.</summary>
    public IReadOnlyList<string> Current => _current;

    /// <summary>
    /// Start-up wildcard resolution (docs/protocol.md#models): when a configured model is <c>*</c>, asks the backend
    /// once. Non-empty → the whole list becomes the discovered ids; empty or failed → the configured list
    /// stays (so the worker registers <c>*</c> and serves any model). Never throws except on cancellation.
    /// </summary>
    public async Task<IReadOnlyList<string>> ResolveAsync(CancellationToken cancellationToken)
    {
        var configured = _current;
        if (!configured.Any(model => model.Trim() == Wildcard))
        {
            return configured;
        }

        IReadOnlyList<string> discovered;
        try
        {
            discovered = await QueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogWildcardQueryFailed(ex);
            return configured;
        }

        if (discovered.Count == 0)
        {
            LogWildcardEmpty();
            return configured;
        }

        LogDiscovered(discovered.Count, string.Join(",", discovered));
        _current = discovered;
        return discovered;
    }

    /// <summary>
    /// A <c>models_refresh</c>: the backend's list, which replaces <see cref="Current"/>; or null when the
    /// query failed or found nothing (logged; the current list stays). Never throws except on cancellation.
    /// </summary>
    public async Task<IReadOnlyList<string>?> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var discovered = await QueryAsync(cancellationToken).ConfigureAwait(false);
            if (discovered.Count == 0)
            {
                // An empty list would make this worker unroutable until the next refresh, which may never come.
                LogRefreshEmpty();
                return null;
            }

            _current = discovered;
            return discovered;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogRefreshFailed(ex);
            return null;
        }
    }

    private async Task<IReadOnlyList<string>> QueryAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(QueryTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        return await BackendModelsClient.FetchAsync(_backend, linked.Token).ConfigureAwait(false);
    }

    [LoggerMessage(2150, LogLevel.Information, "discovered models from backend /v1/models (count={Count}, models={Models})")]
    private partial void LogDiscovered(int count, string models);

    [LoggerMessage(2151, LogLevel.Warning, "backend /v1/models returned no models, keeping wildcard")]
    private partial void LogWildcardEmpty();

    [LoggerMessage(2152, LogLevel.Warning, "failed to query backend /v1/models, keeping wildcard")]
    private partial void LogWildcardQueryFailed(Exception exception);

    [LoggerMessage(2153, LogLevel.Warning, "models refresh: backend /v1/models returned no models, keeping the current list")]
    private partial void LogRefreshEmpty();

    [LoggerMessage(2154, LogLevel.Warning, "models refresh failed, keeping the current list")]
    private partial void LogRefreshFailed(Exception exception);
}
