using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Database;

namespace RxRelay.Proxy.ApiKeys;

/// <summary>
/// Runs the database key store (docs/protocol.md#http-api-keys-database). Before the proxy listens: connect and
/// migrate, or fail start-up with one line (<see cref="DatabaseStartupException"/>). Then two loops: one
/// LISTENs on <see cref="ApiKeySchema.Channel"/> and forgets each changed key as its notification
/// arrives (reconnecting with backoff; after each connect, refusals are forgotten and the live keys
/// refreshed, since notifications sent meanwhile are lost); the other refreshes every cached key and writes <c>last_used_at</c> every
/// <see cref="ApiKeyCacheOptions.RefreshInterval"/>. At stop, the last uses are written.
/// </summary>
internal sealed class ApiKeySync(
    RelayDatabase database,
    PostgresApiKeyStore store,
    ApiKeyCache cache,
    ApiKeyCacheOptions options,
    DatabaseHealth health,
    TimeProvider time,
    ILogger<ApiKeySync> logger) : IHostedLifecycleService, IDisposable
{
    /// <summary>Longest the final <c>last_used_at</c> write may hold up shutdown.</summary>
    public static readonly TimeSpan FinalFlushTimeout = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private Task _loops = Task.CompletedTask;

    /// <inheritdoc/>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var detail = await database.MigrateAsync(ApiKeySchema.ApplyAsync, cancellationToken);
        DatabaseLog.Migrated(logger, database.Description, detail);
        ApiKeyLog.PostgresBacked(logger, database.Description);
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loops = Task.WhenAll(
            Task.Run(() => ListenAsync(_stopping.Token), CancellationToken.None),
            Task.Run(() => RefreshAsync(_stopping.Token), CancellationToken.None));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loops;
        using var flush = new CancellationTokenSource(FinalFlushTimeout, time);
        await store.FlushLastUsedAsync(flush.Token);
    }

    /// <inheritdoc/>
    public void Dispose() => _stopping.Dispose();

    /// <inheritdoc/>
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task ListenAsync(CancellationToken stopping) =>
        database.ListenAsync(
            ApiKeySchema.Channel,
            OnNotification,
            async ct =>
            {
                health.Succeeded();
                ApiKeyLog.Listening(logger, database.Description, ApiKeySchema.Channel);
                // Changes made while nobody listened were not announced: a key added then may have a refusal cached,
                // and a key revoked then may be cached as live.
                cache.ForgetRefusals();
                await store.RefreshAsync(ct);
            },
            health.Failed,
            (options.ListenPingInterval, options.ReconnectMinDelay, options.ReconnectMaxDelay),
            time,
            stopping);

    private async Task RefreshAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.RefreshInterval, time, stopping);
                await store.RefreshAsync(stopping);
                await store.FlushLastUsedAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping; StopAsync writes the last uses.
        }
    }

    private void OnNotification(string payload)
    {
        if (ApiKeySchema.ParseNotification(payload) is { } change)
        {
            if (change.Inserted)
            {
                cache.Added(change.Hash);
            }
            else
            {
                cache.Forget(change.Id, change.Hash);
            }
        }
        else
        {
            if (payload != "truncate")
            {
                ApiKeyLog.UnreadableNotification(logger);
            }

            cache.Clear();
        }
    }
}
