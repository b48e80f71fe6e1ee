using Npgsql;
using RxRelay.Proxy.Database;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// The replica directory table <c>rxrelay_replicas</c>, created in cluster mode only, in the start-up migration
/// transaction (under the advisory lock, idempotent). A trigger announces on <see cref="Channel"/> every insert,
/// every delete, and every update that changes what peers act on (epoch, URL, state, offer); heartbeat-only
/// updates announce nothing, so the channel carries changes, not liveness (expiry is computed from reads).
/// A trigger rather than explicit <c>pg_notify</c> calls, because rows also change outside the writer: the
/// stale-row cleanup any replica runs, and an operator's psql.
/// </summary>
internal static class ReplicaSchema
{
    /// <summary>The NOTIFY channel; payload <c>insert|update|delete &lt;replica id&gt;</c>.</summary>
    public const string Channel = "rxrelay_directory";

    /// <summary>The table.</summary>
    public const string Table = "rxrelay_replicas";

    private const string CreateSql = """
        CREATE TABLE IF NOT EXISTS rxrelay_replicas (
            replica_id text PRIMARY KEY,
            epoch uuid NOT NULL,
            peer_url text NOT NULL,
            state text NOT NULL CHECK (state IN ('active', 'draining')),
            heartbeat timestamptz NOT NULL DEFAULT now(),
            offer jsonb NOT NULL DEFAULT '{"models":[]}',
            offer_version bigint NOT NULL DEFAULT 0
        );
        CREATE OR REPLACE FUNCTION rxrelay_replicas_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                PERFORM pg_notify('rxrelay_directory', 'delete ' || OLD.replica_id);
            ELSE
                PERFORM pg_notify('rxrelay_directory', lower(TG_OP) || ' ' || NEW.replica_id);
            END IF;
            RETURN NULL;
        END
        $fn$;
        DO $do$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'rxrelay_replicas'::regclass AND tgname = 'rxrelay_replicas_row') THEN
                CREATE TRIGGER rxrelay_replicas_row AFTER INSERT OR DELETE ON rxrelay_replicas
                    FOR EACH ROW EXECUTE FUNCTION rxrelay_replicas_changed();
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'rxrelay_replicas'::regclass AND tgname = 'rxrelay_replicas_update') THEN
                CREATE TRIGGER rxrelay_replicas_update AFTER UPDATE ON rxrelay_replicas
                    FOR EACH ROW WHEN ((OLD.replica_id, OLD.epoch, OLD.peer_url, OLD.state, OLD.offer_version, OLD.offer)
                        IS DISTINCT FROM (NEW.replica_id, NEW.epoch, NEW.peer_url, NEW.state, NEW.offer_version, NEW.offer))
                    EXECUTE FUNCTION rxrelay_replicas_changed();
            END IF;
        END
        $do$;
        """;

    /// <summary>Creates what is missing; returns what it did, for the log.</summary>
    public static async Task<string> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var existed = await RelayDatabase.TableExistsAsync(connection, transaction, Table, cancellationToken);
        await RelayDatabase.ExecuteAsync(connection, transaction, CreateSql, cancellationToken);

        return existed ? $"table {Table} kept, change trigger ensured" : $"table {Table} and its change trigger created";
    }
}
