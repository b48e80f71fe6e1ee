using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Messages;

namespace RxRelay.Worker.Relay;

/// <summary><c>models_refresh</c>: answered in the background, so it never blocks the socket (docs/differences-from-upstream.md#worker-models-refresh).</summary>
internal sealed partial class BackendRelaySession
{
    public void RefreshModels(ModelsRefresh refresh)
    {
        ArgumentNullException.ThrowIfNull(refresh);
        Task<Task>? work = null;
        lock (_gate)
        {
            if (!_disposed)
            {
                work = Track(RefreshModelsAsync);
            }
        }

        // On the pool: the catalog query must not hold up the socket's receive loop.
        work?.Start(TaskScheduler.Default);
    }

    /// <summary>Queries the backend and sends <c>models_update</c>; a failure keeps the current list. Never throws.</summary>
    private async Task RefreshModelsAsync()
    {
        try
        {
            var models = await _catalog.RefreshAsync(_sessionCancellation.Token).ConfigureAwait(false);
            if (models is null)
            {
                return;
            }

            _logger.ModelsRefreshed(models.Count, string.Join(",", models));
            var update = new ModelsUpdate(models, (uint)InFlight);
            await _outbound.SendAsync(update, _sessionCancellation.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Session disposed or socket gone: the next registration carries the refreshed list anyway.
            _logger.ModelsUpdateNotSent(ex);
        }
    }
}
