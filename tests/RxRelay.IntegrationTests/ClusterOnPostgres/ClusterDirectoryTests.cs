using System.Diagnostics;
using RxRelay.IntegrationTests.ApiKeysOnPostgres;
using RxRelay.Proxy.ApiKeys;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Database;
using RxRelay.Testing.Databases;

namespace RxRelay.IntegrationTests.ClusterOnPostgres;

/// <summary>
/// The replica directory (issue 14) on a real PostgreSQL server: two members on one database see each
/// other's offers through NOTIFY, a silent member expires by database time, a stopped one is deleted, a
/// restart is a new epoch, and the migration is idempotent next to the key table.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class ClusterDirectoryTests(SharedPostgres postgres)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private PostgresServer Server => postgres.Server;

    private static bool Has(ClusterView view, string id) => view.Peers.Any(p => p.ReplicaId == id);

    [PostgresFact]
    public async Task TwoMembers_SeeEachOthersOfferChangesWithinOneSecond_ThroughNotify()
    {
        var database = await Server.CreateDatabaseAsync();
        var noResync = new DirectoryTiming { ResyncInterval = TimeSpan.FromHours(1) }; // only NOTIFY can deliver a change in time
        await using var a = await DirectoryMember.StartAsync(Server.ConnectionString(database), "a", noResync);
        await using var b = await DirectoryMember.StartAsync(Server.ConnectionString(database), "b", noResync);
        await a.WaitForViewAsync(v => Has(v, "b"), Bound);
        await b.WaitForViewAsync(v => Has(v, "a"), Bound);

        var seen = a.WaitForViewAsync(v => v.Peers.Any(p => p.ReplicaId == "b" && p.Offer.Equals(DirectoryMember.Offer(3))), Bound);
        var clock = Stopwatch.StartNew();
        b.SetOffer(DirectoryMember.Offer(3));
        var view = await seen;
        var elapsed = clock.Elapsed;

        var peer = Assert.Single(view.Peers);
        Assert.Equal(("b", "http://b.test:7070", ReplicaState.Active, 1L, b.Directory.Epoch), (peer.ReplicaId, peer.PeerUrl, peer.State, peer.OfferVersion, peer.Epoch));
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"offer seen after {elapsed.TotalMilliseconds:0} ms");
    }

    [PostgresFact]
    public async Task ConnectionsKilled_ListenReconnectsAndResyncs_ChangeSeenWithoutPeriodicReads()
    {
        var database = await Server.CreateDatabaseAsync();
        var noResync = new DirectoryTiming { ResyncInterval = TimeSpan.FromHours(1) };
        await using var a = await DirectoryMember.StartAsync(Server.ConnectionString(database), "a", noResync);
        await using var b = await DirectoryMember.StartAsync(Server.ConnectionString(database), "b", noResync);
        await a.WaitForViewAsync(v => Has(v, "b"), Bound);

        var seen = a.WaitForViewAsync(v => v.Peers.Any(p => p.ReplicaId == "b" && p.Offer.Equals(DirectoryMember.Offer(1))), Bound);
        var clock = Stopwatch.StartNew();
        await Server.ExecuteAsync(database, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        b.SetOffer(DirectoryMember.Offer(1)); // may be written, and announced, while a's LISTEN is down
        await seen;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"seen after {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [PostgresFact]
    public async Task Draining_SeenByPeerWithinOneSecond()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var a = await DirectoryMember.StartAsync(Server.ConnectionString(database), "a");
        await using var b = await DirectoryMember.StartAsync(Server.ConnectionString(database), "b");
        await a.WaitForViewAsync(v => Has(v, "b"), Bound);

        var seen = a.WaitForViewAsync(v => v.Peers.Any(p => p.ReplicaId == "b" && p.State == ReplicaState.Draining), Bound);
        var clock = Stopwatch.StartNew();
        b.Directory.SetState(ReplicaState.Draining);
        await seen;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"draining seen after {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal("draining", await Server.ScalarAsync<string>(database, "SELECT state FROM rxrelay_replicas WHERE replica_id = 'b'"));
    }

    [PostgresFact]
    public async Task MemberStopsHeartbeating_GoneFromPeersViewAfterAboutFiveSeconds_RowKept()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var a = await DirectoryMember.StartAsync(Server.ConnectionString(database), "a");
        var b = await DirectoryMember.StartAsync(Server.ConnectionString(database), "b");
        await a.WaitForViewAsync(v => Has(v, "b"), Bound);

        var gone = a.WaitForViewAsync(v => !Has(v, "b"), Bound);
        var clock = Stopwatch.StartNew();
        await b.DisposeAsync(); // no stop: to "a", "b" just fell silent
        await gone;

        // The last heartbeat was at most 1 s before the silence: expiry lands 4..5 s after it, plus read delays.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(7));
        Assert.Equal(1L, await Server.ScalarAsync<long>(database, "SELECT count(*) FROM rxrelay_replicas WHERE replica_id = 'b'"));
    }

    [PostgresFact]
    public async Task GracefulStop_RowDeleted_PeerSeesItGoneWithinOneSecond()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var a = await DirectoryMember.StartAsync(Server.ConnectionString(database), "a");
        var b = await DirectoryMember.StartAsync(Server.ConnectionString(database), "b");
        await a.WaitForViewAsync(v => Has(v, "b"), Bound);

        var gone = a.WaitForViewAsync(v => !Has(v, "b"), Bound);
        var clock = Stopwatch.StartNew();
        await b.StopAsync();
        await gone;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"gone after {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(["a"], await ReplicaIdsAsync(database));
    }

    [PostgresFact]
    public async Task Restart_SameId_NewEpochSeenByPeer()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var a = await DirectoryMember.StartAsync(Server.ConnectionString(database), "a");
        var first = await DirectoryMember.StartAsync(Server.ConnectionString(database), "b");
        var firstEpoch = first.Directory.Epoch;
        await a.WaitForViewAsync(v => v.Peers.Any(p => p.Epoch == firstEpoch), Bound);
        await first.DisposeAsync(); // a crash: the row stays, the restart takes it over

        await using var second = await DirectoryMember.StartAsync(Server.ConnectionString(database), "b");
        var view = await a.WaitForViewAsync(v => v.Peers.Any(p => p.Epoch == second.Directory.Epoch), Bound);

        Assert.NotEqual(firstEpoch, second.Directory.Epoch);
        Assert.Equal(second.Directory.Epoch, Assert.Single(view.Peers).Epoch);
        Assert.Equal(second.Directory.Epoch, await Server.ScalarAsync<Guid>(database, "SELECT epoch FROM rxrelay_replicas WHERE replica_id = 'b'"));
    }

    [PostgresFact]
    public async Task Migration_TwiceNextToTheKeyTable_IdempotentOneTriggerPair()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var relay = new RelayDatabase(Server.ConnectionString(database));

        var keys = await relay.MigrateAsync(ApiKeySchema.ApplyAsync, CancellationToken.None);
        var created = await relay.MigrateAsync(ReplicaSchema.ApplyAsync, CancellationToken.None);
        var kept = await relay.MigrateAsync(ReplicaSchema.ApplyAsync, CancellationToken.None);
        var keysAgain = await relay.MigrateAsync(ApiKeySchema.ApplyAsync, CancellationToken.None);

        Assert.Equal("table server_api_keys and its change trigger created", keys);
        Assert.Equal("table rxrelay_replicas and its change trigger created", created);
        Assert.Equal("table rxrelay_replicas kept, change trigger ensured", kept);
        Assert.Equal("table server_api_keys kept as found, change trigger ensured", keysAgain);
        Assert.Equal(2L, await Server.ScalarAsync<long>(database, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'rxrelay_replicas'::regclass AND NOT tgisinternal"));
        Assert.Equal(3L, await Server.ScalarAsync<long>(database, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'server_api_keys'::regclass AND NOT tgisinternal"));
    }

    [PostgresFact]
    public async Task HeartbeatOnlyUpdate_NotifiesNothing_OfferChangeNotifiesOnce()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var relay = new RelayDatabase(Server.ConnectionString(database));
        await relay.MigrateAsync(ReplicaSchema.ApplyAsync, CancellationToken.None);
        await Server.ExecuteAsync(database, "INSERT INTO rxrelay_replicas (replica_id, epoch, peer_url, state) VALUES ('x', gen_random_uuid(), 'http://x:1', 'active')");
        await using var listener = await relay.OpenListenerAsync(CancellationToken.None);
        var payloads = new List<string>();
        listener.Notification += (_, e) => payloads.Add(e.Payload);
        await using (var listen = new Npgsql.NpgsqlCommand($"LISTEN {ReplicaSchema.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        await Server.ExecuteAsync(database, "UPDATE rxrelay_replicas SET heartbeat = now() WHERE replica_id = 'x'");
        await Server.ExecuteAsync(database, "UPDATE rxrelay_replicas SET offer_version = 1 WHERE replica_id = 'x'");
        await Server.ExecuteAsync(database, "DELETE FROM rxrelay_replicas WHERE replica_id = 'x'");
        while (payloads.Count < 2 && await listener.WaitAsync(TimeSpan.FromSeconds(2)))
        {
        }

        Assert.Equal(["update x", "delete x"], payloads);
    }

    private async Task<string[]> ReplicaIdsAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Server.ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT replica_id FROM rxrelay_replicas ORDER BY replica_id", connection);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return [.. ids];
    }
}
