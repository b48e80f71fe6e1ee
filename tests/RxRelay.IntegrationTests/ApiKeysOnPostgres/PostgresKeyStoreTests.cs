using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Proxy.ApiKeys;
using RxRelay.Proxy.Database;
using RxRelay.Testing.Databases;

namespace RxRelay.IntegrationTests.ApiKeysOnPostgres;

/// <summary>
/// The database key store (docs/protocol.md#http-api-keys-database) on a real PostgreSQL server: upstream's HTTP
/// behaviour, keys shared by proxies and kept across restarts, revocation seen by every proxy, and a table
/// an upstream server made.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresKeyStoreTests(SharedPostgres postgres)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private PostgresServer Server => postgres.Server;

    [PostgresFact]
    public async Task CreateListRevokeUse_AsUpstreamsPostgresStore()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var proxy = await KeyedProxy.StartAsync(Server.Url(database));

        var (firstId, firstSecret, created) = await proxy.CreateKeyAsync("first");
        var (secondId, _, _) = await proxy.CreateKeyAsync("second");

        Assert.Equal(["id", "name", "prefix", "created_at", "last_used_at", "revoked", "secret"], created.EnumerateObject().Select(p => p.Name));
        Assert.Equal(firstSecret[..16], created.GetProperty("prefix").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("last_used_at").ValueKind);
        Assert.InRange(created.GetProperty("created_at").GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        Assert.Equal([secondId, firstId], (await proxy.ListKeysAsync()).Select(k => k.GetProperty("id").GetString())); // newest first

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(firstSecret)).Status);
        var refused = await proxy.UseAsync("mr_live_" + new string('x', 32));
        Assert.Equal((HttpStatusCode.Unauthorized, """{"error":{"type":"auth_error","message":"Invalid API key"}}"""), refused);

        Assert.Equal(HttpStatusCode.NoContent, await proxy.RevokeAsync(firstId));
        Assert.Equal(HttpStatusCode.NotFound, await proxy.RevokeAsync(firstId)); // already revoked: upstream's Postgres store says 404
        Assert.Equal(HttpStatusCode.NotFound, await proxy.RevokeAsync("not-a-uuid")); // upstream: 500
        Assert.Equal(HttpStatusCode.NotFound, await proxy.RevokeAsync(Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await proxy.UseAsync(firstSecret)).Status);

        var listed = (await proxy.ListKeysAsync()).Single(k => k.GetProperty("id").GetString() == firstId);
        Assert.True(listed.GetProperty("revoked").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("last_used_at").ValueKind); // the use before the revoke, not yet written, merged in
        Assert.False(listed.TryGetProperty("secret", out _));
    }

    [PostgresFact]
    public async Task Keys_SurviveARestart_AndLastUseIsWrittenAtStop()
    {
        var database = await Server.CreateDatabaseAsync();
        string id, secret;
        await using (var first = await KeyedProxy.StartAsync(Server.Url(database)))
        {
            (id, secret, _) = await first.CreateKeyAsync("durable");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await first.UseAsync(secret)).Status);
        }

        Assert.True(await Server.ScalarAsync<bool>(database, $"SELECT last_used_at IS NOT NULL FROM server_api_keys WHERE id = '{id}'"));
        await using var second = await KeyedProxy.StartAsync(Server.Url(database));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await second.UseAsync(secret)).Status);
        Assert.Equal(id, Assert.Single(await second.ListKeysAsync()).GetProperty("id").GetString());
    }

    [PostgresFact]
    public async Task TwoProxies_KeyCreatedOnOneWorksOnTheOther_RevokedOnOneIsRefusedByTheOtherWithinOneSecond()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var a = await KeyedProxy.StartAsync(Server.Url(database));
        await using var b = await KeyedProxy.StartAsync(Server.Url(database));

        var (id, secret, _) = await a.CreateKeyAsync("shared");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await b.UseAsync(secret)).Status); // now cached on b
        Assert.Equal(HttpStatusCode.NoContent, await a.RevokeAsync(id));

        var seen = await b.TimeUntilAsync(secret, HttpStatusCode.Unauthorized, Bound);
        Assert.True(seen < TimeSpan.FromSeconds(1), $"b refused the revoked key after {seen.TotalMilliseconds:0} ms");
    }

    [PostgresFact]
    public async Task KeyUnknownToAProxy_CreatedElsewhereAfterItWasRefused_WorksBeforeItsRefusalExpires()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var b = await KeyedProxy.StartAsync(Server.Url(database));
        const string secret = "mr_live_0123456789abcdefghijABCDEFGHIJ01";
        Assert.Equal(HttpStatusCode.Unauthorized, (await b.UseAsync(secret)).Status); // refusal cached on b

        await InsertUpstreamRowAsync(database, Guid.NewGuid(), "inserted", secret);

        var seen = await b.TimeUntilAsync(secret, HttpStatusCode.ServiceUnavailable, Bound);
        Assert.True(seen < TimeSpan.FromSeconds(2), $"b accepted the new key after {seen.TotalMilliseconds:0} ms"); // the notification; a refusal is cached for 5 s otherwise
    }

    [PostgresFact]
    public async Task RevocationWithoutNotification_IsNotSeenUntilARefresh()
    {
        // Proves the premise of the next test: with triggers bypassed no notification arrives. Notifications are
        // delivered in commit order, so once a later, announced revocation has been seen, an announcement of the
        // first (had there been one) would have been seen too. No periodic refresh runs during the test, and the
        // one that follows the LISTEN connection's connect is over before the first notification is heard (the
        // listener only waits for notifications after it), so the probe key's revocation being seen proves it ran.
        var database = await Server.CreateDatabaseAsync();
        await using var proxy = await KeyedProxy.StartAsync(Server.Url(database), new ApiKeyCacheOptions { RefreshInterval = TimeSpan.FromHours(1) });
        var (probeId, probe, _) = await proxy.CreateKeyAsync("probe");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(probe)).Status);
        await Server.ExecuteAsync(database, $"UPDATE server_api_keys SET revoked_at = now() WHERE id = '{probeId}'");
        await proxy.TimeUntilAsync(probe, HttpStatusCode.Unauthorized, Bound);

        var (quietId, quiet, _) = await proxy.CreateKeyAsync("quiet");
        var (loudId, loud, _) = await proxy.CreateKeyAsync("loud");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(quiet)).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(loud)).Status);

        await Server.ExecuteAsync(database, $"SET session_replication_role = replica; UPDATE server_api_keys SET revoked_at = now() WHERE id = '{quietId}'");
        await Server.ExecuteAsync(database, $"UPDATE server_api_keys SET revoked_at = now() WHERE id = '{loudId}'");
        await proxy.TimeUntilAsync(loud, HttpStatusCode.Unauthorized, Bound);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(quiet)).Status);
    }

    [PostgresFact]
    public async Task RevocationWithoutNotification_IsSeenWithinTheRefreshPeriod()
    {
        var database = await Server.CreateDatabaseAsync();
        var refresh = TimeSpan.FromSeconds(2);
        await using var proxy = await KeyedProxy.StartAsync(Server.Url(database), new ApiKeyCacheOptions { RefreshInterval = refresh });
        var (id, secret, _) = await proxy.CreateKeyAsync("quiet");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(secret)).Status);

        // session_replication_role = replica: triggers do not fire, so no NOTIFY is sent (a lost notification).
        var revoked = Stopwatch.StartNew();
        await Server.ExecuteAsync(database, $"SET session_replication_role = replica; UPDATE server_api_keys SET revoked_at = now() WHERE id = '{id}'");

        await proxy.TimeUntilAsync(secret, HttpStatusCode.Unauthorized, Bound);
        Assert.True(revoked.Elapsed <= refresh + TimeSpan.FromSeconds(1), $"refused after {revoked.Elapsed.TotalMilliseconds:0} ms; refresh period {refresh.TotalSeconds} s");
    }

    [PostgresFact]
    public async Task ListenConnectionKilled_ReconnectsAndKeepsHearingRevocations()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var a = await KeyedProxy.StartAsync(Server.Url(database));
        await using var b = await KeyedProxy.StartAsync(Server.Url(database));
        var (id, secret, _) = await b.CreateKeyAsync("k");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await a.UseAsync(secret)).Status);

        await Server.ExecuteAsync("postgres", ListenersOf(database, "SELECT pg_terminate_backend(pid)"));
        await ProxyTestHost.EventuallyAsync(
            async () => await Server.ScalarAsync<long>("postgres", ListenersOf(database, "SELECT count(*)")) == 2, "both proxies listening again");
        Assert.Equal(HttpStatusCode.NoContent, await b.RevokeAsync(id));

        var seen = await a.TimeUntilAsync(secret, HttpStatusCode.Unauthorized, Bound);
        Assert.True(seen < TimeSpan.FromSeconds(1), $"a refused the revoked key after {seen.TotalMilliseconds:0} ms");
    }

    // A key added while the proxy was not listening is never announced to it; its refusal, cached before, must not
    // outlive the reconnect (refusals are kept for a minute here, so only the reconnect can have dropped it).
    [PostgresFact]
    public async Task KeyAddedUnannounced_RefusalCachedBefore_IsDroppedWhenTheListenConnectionComesBack()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var b = await KeyedProxy.StartAsync(Server.Url(database), new ApiKeyCacheOptions { InvalidFor = TimeSpan.FromMinutes(1), RefreshInterval = TimeSpan.FromHours(1) });
        const string probe = "mr_live_probe0123456789abcdefghijklmnopq", secret = "mr_live_unannounced0123456789abcdefghij";
        Assert.Equal(HttpStatusCode.Unauthorized, (await b.UseAsync(probe)).Status);
        await InsertUpstreamRowAsync(database, Guid.NewGuid(), "probe", probe);
        await b.TimeUntilAsync(probe, HttpStatusCode.ServiceUnavailable, Bound); // announced, so b listens and its first connect is over
        Assert.Equal(HttpStatusCode.Unauthorized, (await b.UseAsync(secret)).Status); // refusal cached on b

        await Server.ExecuteAsync(database, "SET session_replication_role = replica; " + UpstreamInsert(Guid.NewGuid(), "quiet", secret));
        Assert.Equal(HttpStatusCode.Unauthorized, (await b.UseAsync(secret)).Status); // unannounced: still refused
        await Server.ExecuteAsync("postgres", ListenersOf(database, "SELECT pg_terminate_backend(pid)"));
        await ProxyTestHost.EventuallyAsync(
            async () => await Server.ScalarAsync<long>("postgres", ListenersOf(database, "SELECT count(*)")) == 1, "b listening again");

        await b.TimeUntilAsync(secret, HttpStatusCode.ServiceUnavailable, Bound);
    }

    private static string ListenersOf(string database, string select) =>
        $"{select} FROM pg_stat_activity WHERE datname = '{database}' AND query = 'LISTEN {ApiKeySchema.Channel}'";

    [PostgresFact]
    public async Task TableMadeByUpstream_IsAcceptedAsIs_AndItsKeysWork()
    {
        var database = await Server.CreateDatabaseAsync();
        await Server.ExecuteAsync(database, UpstreamSchema);
        var id = Guid.NewGuid();
        const string secret = "mr_live_UPSTREAMkey0123456789abcdefghijk";
        await InsertUpstreamRowAsync(database, id, "from-upstream", secret);

        await using (var proxy = await KeyedProxy.StartAsync(Server.Url(database)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(secret)).Status);
            var key = Assert.Single(await proxy.ListKeysAsync());
            Assert.Equal((id.ToString(), "from-upstream", secret[..16], false), (key.GetProperty("id").GetString(), key.GetProperty("name").GetString(), key.GetProperty("prefix").GetString(), key.GetProperty("revoked").GetBoolean()));
        }

        // Started again over its own migration: idempotent. The trigger exists once, the row is untouched.
        await using var again = await KeyedProxy.StartAsync(Server.Url(database));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await again.UseAsync(secret)).Status);
        Assert.Equal(3L, await Server.ScalarAsync<long>(database, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'server_api_keys'::regclass AND NOT tgisinternal"));
        Assert.Equal(1L, await Server.ScalarAsync<long>(database, "SELECT count(*) FROM _sqlx_migrations"));
    }

    [PostgresFact]
    public async Task ProxiesStartingTogether_MigrateOnce()
    {
        var database = await Server.CreateDatabaseAsync();
        var started = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => KeyedProxy.StartAsync(Server.Url(database))));
        try
        {
            var (_, secret, _) = await started[0].CreateKeyAsync("k");
            foreach (var proxy in started)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.UseAsync(secret)).Status);
            }
        }
        finally
        {
            foreach (var proxy in started)
            {
                await proxy.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task TableWithTheWrongShape_StartFailsWithOneClearMessage()
    {
        var database = await Server.CreateDatabaseAsync();
        await Server.ExecuteAsync(database, "CREATE TABLE server_api_keys (id text PRIMARY KEY, name text)");

        var failure = await Assert.ThrowsAsync<DatabaseStartupException>(() => KeyedProxy.StartAsync(Server.Url(database)));

        Assert.Equal("table server_api_keys exists but its column id is text, not uuid; it is not upstream's key table", failure.Message);
    }

    /// <summary>Upstream's migration, as its server leaves a database (its migration bookkeeping included).</summary>
    private const string UpstreamSchema = """
        CREATE TABLE _sqlx_migrations (version bigint PRIMARY KEY, description text NOT NULL, installed_on timestamptz NOT NULL DEFAULT now(),
            success boolean NOT NULL, checksum bytea NOT NULL, execution_time bigint NOT NULL);
        INSERT INTO _sqlx_migrations VALUES (20260405120000, 'create server api keys', now(), true, '\x00', 1);
        CREATE TABLE server_api_keys (id UUID PRIMARY KEY, name TEXT NOT NULL, prefix TEXT NOT NULL, hash BYTEA NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(), last_used_at TIMESTAMPTZ, revoked_at TIMESTAMPTZ);
        CREATE INDEX idx_server_api_keys_prefix ON server_api_keys(prefix) WHERE revoked_at IS NULL;
        CREATE INDEX idx_server_api_keys_hash ON server_api_keys(hash) WHERE revoked_at IS NULL;
        """;

    /// <summary>A row as upstream's server writes it: SHA-256 of the key's bytes, first 16 characters as the prefix.</summary>
    private Task InsertUpstreamRowAsync(string database, Guid id, string name, string secret) =>
        Server.ExecuteAsync(database, UpstreamInsert(id, name, secret));

    /// <summary>A row as upstream writes one: the secret's SHA-256, its first 16 characters as the prefix.</summary>
    private static string UpstreamInsert(Guid id, string name, string secret) =>
        $"INSERT INTO server_api_keys (id, name, prefix, hash) VALUES ('{id}', '{name}', '{secret[..16]}', '\\x{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))}')";
}
