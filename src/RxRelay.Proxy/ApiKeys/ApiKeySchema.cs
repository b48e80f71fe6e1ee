using System.Globalization;
using Npgsql;
using RxRelay.Proxy.Database;

namespace RxRelay.Proxy.ApiKeys;

/// <summary>
/// Upstream's table <c>server_api_keys</c> (docs/protocol.md#http-api-keys-database), created when missing and
/// accepted as is when an upstream server made it, plus what RxRelay adds: a trigger that announces
/// every change that matters to a cached key on <see cref="Channel"/>, whoever made it (an RxRelay proxy, an
/// upstream server, an operator with psql). <c>last_used_at</c> writes announce nothing.
/// </summary>
internal static class ApiKeySchema
{
    /// <summary>The NOTIFY channel; payload <c>insert|update|delete &lt;id&gt; &lt;hex hash&gt;</c>, or <c>truncate</c>.</summary>
    public const string Channel = "rxrelay_api_keys";

    private const string Table = "server_api_keys";

    /// <summary>Column types the store relies on, as information_schema names them.</summary>
    private static readonly (string Column, string Type)[] Columns =
    [
        ("id", "uuid"), ("name", "text"), ("prefix", "text"), ("hash", "bytea"),
        ("created_at", "timestamp with time zone"), ("last_used_at", "timestamp with time zone"), ("revoked_at", "timestamp with time zone"),
    ];

    private const string CreateSql = """
        CREATE TABLE IF NOT EXISTS server_api_keys (
            id uuid PRIMARY KEY,
            name text NOT NULL,
            prefix text NOT NULL,
            hash bytea NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            last_used_at timestamptz,
            revoked_at timestamptz
        );
        CREATE INDEX IF NOT EXISTS idx_server_api_keys_prefix ON server_api_keys (prefix) WHERE revoked_at IS NULL;
        CREATE INDEX IF NOT EXISTS idx_server_api_keys_hash ON server_api_keys (hash) WHERE revoked_at IS NULL;
        CREATE OR REPLACE FUNCTION rxrelay_server_api_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                PERFORM pg_notify('rxrelay_api_keys', 'truncate');
            ELSIF TG_OP = 'DELETE' THEN
                PERFORM pg_notify('rxrelay_api_keys', 'delete ' || OLD.id::text || ' ' || encode(OLD.hash, 'hex'));
            ELSE
                IF TG_OP = 'UPDATE' AND (OLD.id, OLD.hash) IS DISTINCT FROM (NEW.id, NEW.hash) THEN
                    PERFORM pg_notify('rxrelay_api_keys', 'update ' || OLD.id::text || ' ' || encode(OLD.hash, 'hex'));
                END IF;
                PERFORM pg_notify('rxrelay_api_keys', lower(TG_OP) || ' ' || NEW.id::text || ' ' || encode(NEW.hash, 'hex'));
            END IF;
            RETURN NULL;
        END
        $fn$;
        DO $do$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'server_api_keys'::regclass AND tgname = 'rxrelay_api_keys_row') THEN
                CREATE TRIGGER rxrelay_api_keys_row AFTER INSERT OR DELETE ON server_api_keys
                    FOR EACH ROW EXECUTE FUNCTION rxrelay_server_api_keys_changed();
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'server_api_keys'::regclass AND tgname = 'rxrelay_api_keys_update') THEN
                CREATE TRIGGER rxrelay_api_keys_update AFTER UPDATE ON server_api_keys
                    FOR EACH ROW WHEN ((OLD.id, OLD.hash, OLD.revoked_at) IS DISTINCT FROM (NEW.id, NEW.hash, NEW.revoked_at))
                    EXECUTE FUNCTION rxrelay_server_api_keys_changed();
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'server_api_keys'::regclass AND tgname = 'rxrelay_api_keys_truncate') THEN
                CREATE TRIGGER rxrelay_api_keys_truncate AFTER TRUNCATE ON server_api_keys
                    FOR EACH STATEMENT EXECUTE FUNCTION rxrelay_server_api_keys_changed();
            END IF;
        END
        $do$;
        """;

    /// <summary>Creates what is missing and checks the columns; returns what it found, for the log.</summary>
    public static async Task<string> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var existed = await RelayDatabase.TableExistsAsync(connection, transaction, Table, cancellationToken);
        if (existed)
        {
            await CheckColumnsAsync(connection, transaction, cancellationToken); // before the indexes name its columns
        }

        await RelayDatabase.ExecuteAsync(connection, transaction, CreateSql, cancellationToken);

        return existed ? $"table {Table} kept as found, change trigger ensured" : $"table {Table} and its change trigger created";
    }

    /// <summary>
    /// The id and upper-case hex hash a notification names, and whether the row was inserted; null for
    /// <c>truncate</c> or anything unreadable (forget everything).
    /// </summary>
    public static (string Id, string Hash, bool Inserted)? ParseNotification(string payload)
    {
        var parts = payload.Split(' ');
        if (parts.Length != 3 || parts[0] is not ("insert" or "update" or "delete") || !Guid.TryParse(parts[1], out var id))
        {
            return null;
        }

        try
        {
            return (id.ToString("D"), Convert.ToHexString(Convert.FromHexString(parts[2])), parts[0] == "insert");
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task CheckColumnsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table",
            connection,
            transaction);
        command.Parameters.AddWithValue("table", Table);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                found[reader.GetString(0)] = reader.GetString(1);
            }
        }

        foreach (var (column, type) in Columns)
        {
            if (!found.TryGetValue(column, out var actual))
            {
                throw new DatabaseStartupException($"table {Table} exists but has no column {column} ({type}); it is not upstream's key table");
            }

            if (!string.Equals(actual, type, StringComparison.Ordinal))
            {
                throw new DatabaseStartupException(
                    string.Create(CultureInfo.InvariantCulture, $"table {Table} exists but its column {column} is {actual}, not {type}; it is not upstream's key table"));
            }
        }
    }
}
