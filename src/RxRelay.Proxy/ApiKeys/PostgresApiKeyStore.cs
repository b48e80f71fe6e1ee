using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using RxRelay.Proxy.Database;

namespace RxRelay.Proxy.ApiKeys;

/// <summary>
/// Client API keys in upstream's PostgreSQL table (docs/protocol.md#http-api-keys-database), shared by every proxy and
/// upstream server on the database. Validation answers from <see cref="ApiKeyCache"/> when it can, so a
/// known key costs no round trip; a miss asks the database once however many requests wait for the same
/// secret. While the database is unreachable, cached keys (stale ones too) keep working and unknown keys
/// get <see cref="ApiKeyLookupStatus.Unavailable"/> (upstream's 500). <c>last_used_at</c> is written in
/// batches by <see cref="FlushLastUsedAsync"/>; <see cref="ApiKeySync"/> keeps the cache in step.
/// </summary>
internal sealed class PostgresApiKeyStore(
    RelayDatabase database,
    ApiKeyCache cache,
    LastUsedBatch lastUsed,
    DatabaseHealth health,
    TimeProvider time,
    ILogger<PostgresApiKeyStore> logger) : IApiKeyStore
{
    private readonly ConcurrentDictionary<string, Lazy<Task<(bool Answered, string? Id)>>> _inFlight = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public async Task<(ApiKeyRecord Record, string Secret)> CreateAsync(string name, CancellationToken cancellationToken)
    {
        var secret = ApiKeyGenerator.NewKey();
        var id = Guid.NewGuid();
        var prefix = secret[..ApiKeyGenerator.PrefixLength];
        var generation = cache.Generation;
        try
        {
            await using var command = database.DataSource.CreateCommand(
                "INSERT INTO server_api_keys (id, name, prefix, hash) VALUES (@id, @name, @prefix, @hash) RETURNING created_at");
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("prefix", prefix);
            command.Parameters.AddWithValue("hash", ApiKeyGenerator.HashBytes(secret));
            var createdAt = (DateTime)(await command.ExecuteScalarAsync(cancellationToken))!;
            health.Succeeded();
            var record = new ApiKeyRecord(id.ToString("D"), name, prefix, new DateTimeOffset(createdAt).ToUnixTimeSeconds(), null, false);
            cache.RememberValid(ApiKeyGenerator.Hash(secret), record.Id, generation);
            return (record, secret);
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            throw Failed("create_key", ex);
        }
    }

    /// <summary>All keys, newest first (upstream's order), with uses not yet written merged in.</summary>
    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand(
                "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM server_api_keys ORDER BY created_at DESC, id");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var keys = new List<ApiKeyRecord>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetGuid(0).ToString("D");
                DateTimeOffset? used = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
                if (lastUsed.Pending(id) is { } pending && (used is null || pending > used))
                {
                    used = pending;
                }

                keys.Add(new ApiKeyRecord(
                    id, reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3).ToUnixTimeSeconds(), used?.ToUnixTimeSeconds(), !reader.IsDBNull(5)));
            }

            health.Succeeded();
            return keys;
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            throw Failed("list_keys", ex);
        }
    }

    /// <summary>Revokes a live key; false for an unknown, already revoked or non-UUID id (upstream: 500 for the last).</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var uuid))
        {
            return false;
        }

        try
        {
            await using var command = database.DataSource.CreateCommand(
                "UPDATE server_api_keys SET revoked_at = now() WHERE id = @id AND revoked_at IS NULL RETURNING hash");
            command.Parameters.AddWithValue("id", uuid);
            var hash = await command.ExecuteScalarAsync(cancellationToken) as byte[];
            health.Succeeded();
            if (hash is null)
            {
                return false;
            }

            // This proxy refuses the key at once; the others hear it from the trigger's notification.
            cache.Forget(uuid.ToString("D"), Convert.ToHexString(hash));
            return true;
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            throw Failed("revoke_key", ex);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ApiKeyLookup> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = ApiKeyGenerator.Hash(secret);
        var (state, cachedId) = cache.Lookup(hash);
        switch (state)
        {
            case CachedKeyState.Valid:
                return Used(cachedId!);
            case CachedKeyState.Invalid:
                return ApiKeyLookup.Invalid;
        }

        if (!_inFlight.ContainsKey(hash) && !health.ShouldTry())
        {
            return Fallback(state, cachedId);
        }

        var lookup = _inFlight.GetOrAdd(hash, static (h, store) => new Lazy<Task<(bool, string?)>>(() => store.QueryAsync(h)), this);
        var (answered, id) = await lookup.Value.WaitAsync(cancellationToken);
        if (!answered)
        {
            return Fallback(state, cachedId);
        }

        return id is null ? ApiKeyLookup.Invalid : Used(id);
    }

    /// <summary>
    /// Checks every cached key against the table: revoked or deleted ones are forgotten, live ones count as
    /// confirmed. Heals missed notifications; also how an outage's end is noticed when no request asks.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (!health.ShouldTry())
        {
            return;
        }

        var (ids, readAt) = cache.Snapshot();
        try
        {
            await using var command = database.DataSource.CreateCommand("SELECT id FROM server_api_keys WHERE revoked_at IS NULL AND id = ANY(@ids)");
            command.Parameters.AddWithValue("ids", ids.Select(Guid.Parse).ToArray());
            var live = new HashSet<string>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    live.Add(reader.GetGuid(0).ToString("D"));
                }
            }

            cache.Confirm(ids, live, readAt);
            health.Succeeded();
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            health.Failed(ex);
        }
    }

    /// <summary>Writes the recorded uses in one statement; on failure they wait for the next flush.</summary>
    public async Task FlushLastUsedAsync(CancellationToken cancellationToken)
    {
        var batch = lastUsed.Take();
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await using var command = database.DataSource.CreateCommand("""
                UPDATE server_api_keys AS k SET last_used_at = GREATEST(k.last_used_at, u.at)
                FROM unnest(@ids, @ats) AS u(id, at) WHERE k.id = u.id
                """);
            command.Parameters.AddWithValue("ids", batch.Keys.Select(Guid.Parse).ToArray());
            command.Parameters.AddWithValue("ats", batch.Values.Select(at => at.UtcDateTime).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
            health.Succeeded();
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex) || ex is OperationCanceledException)
        {
            lastUsed.Restore(batch);
            if (ex is not OperationCanceledException)
            {
                health.Failed(ex);
            }
        }
    }

    private async Task<(bool Answered, string? Id)> QueryAsync(string hash)
    {
        try
        {
            var generation = cache.Generation;
            await using var command = database.DataSource.CreateCommand("SELECT id FROM server_api_keys WHERE hash = @hash AND revoked_at IS NULL LIMIT 1");
            command.Parameters.AddWithValue("hash", Convert.FromHexString(hash));

            // Not the caller's token: other requests may be waiting on this same query.
            var found = await command.ExecuteScalarAsync(CancellationToken.None);
            health.Succeeded();
            if (found is Guid id)
            {
                var keyId = id.ToString("D");
                cache.RememberValid(hash, keyId, generation);
                return (true, keyId);
            }

            cache.RememberInvalid(hash, generation);
            return (true, null);
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            health.Failed(ex);
            return (false, null);
        }
        finally
        {
            _inFlight.TryRemove(hash, out _);
        }
    }

    private ApiKeyLookup Used(string keyId)
    {
        lastUsed.Record(keyId, time.GetUtcNow());
        return ApiKeyLookup.Valid(keyId);
    }

    /// <summary>The database could not answer: a key confirmed earlier keeps working, anything else is unavailable.</summary>
    private ApiKeyLookup Fallback(CachedKeyState state, string? cachedId) =>
        state == CachedKeyState.Stale ? Used(cachedId!) : ApiKeyLookup.Unavailable;

    private ApiKeyStoreException Failed(string operation, Exception error)
    {
        health.Failed(error);
        var cause = database.Cause(error);
        ApiKeyLog.OperationFailed(logger, operation, cause);
        return new ApiKeyStoreException($"{operation} failed: {cause}", error);
    }
}
