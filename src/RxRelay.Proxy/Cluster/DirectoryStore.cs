using Npgsql;
using RxRelay.Proxy.Database;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// The directory's SQL (<see cref="ReplicaSchema.Table"/>). Every time value comes from the database's
/// <c>now()</c>: heartbeats are written with it and ages are computed with it, so replica clocks never matter.
/// </summary>
internal sealed class DirectoryStore(RelayDatabase database, string replicaId, Guid epoch, string peerUrl)
{
    /// <summary>Inserts the own row, or takes over one left by an earlier start under the same id.</summary>
    public async Task UpsertAsync(DesiredRow row, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("""
            INSERT INTO rxrelay_replicas (replica_id, epoch, peer_url, state, heartbeat, offer, offer_version)
            VALUES (@id, @epoch, @url, @state, now(), @offer::jsonb, @version)
            ON CONFLICT (replica_id) DO UPDATE SET epoch = EXCLUDED.epoch, peer_url = EXCLUDED.peer_url, state = EXCLUDED.state,
                heartbeat = now(), offer = EXCLUDED.offer, offer_version = EXCLUDED.offer_version
            """);
        AddKey(command.Parameters);
        AddContents(command.Parameters, row);
        command.Parameters.AddWithValue("url", peerUrl);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the heartbeat, plus offer and state when <paramref name="full"/>, to the row of this epoch; then
    /// deletes rows silent for <paramref name="forgetAfter"/> (crashed replicas). False when the own row was not there.
    /// </summary>
    public async Task<bool> WriteAsync(DesiredRow row, bool full, TimeSpan forgetAfter, CancellationToken cancellationToken)
    {
        await using var batch = database.DataSource.CreateBatch();
        var update = new NpgsqlBatchCommand(full
            ? "UPDATE rxrelay_replicas SET heartbeat = now(), state = @state, offer = @offer::jsonb, offer_version = @version WHERE replica_id = @id AND epoch = @epoch"
            : "UPDATE rxrelay_replicas SET heartbeat = now() WHERE replica_id = @id AND epoch = @epoch");
        AddKey(update.Parameters);
        if (full)
        {
            AddContents(update.Parameters, row);
        }

        var forget = new NpgsqlBatchCommand("DELETE FROM rxrelay_replicas WHERE heartbeat < now() - @forget");
        forget.Parameters.AddWithValue("forget", forgetAfter);
        batch.BatchCommands.Add(update);
        batch.BatchCommands.Add(forget);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return update.RecordsAffected == 1;
    }

    /// <summary>Deletes the own row (this epoch's only: a newer start under the same id keeps its row).</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("DELETE FROM rxrelay_replicas WHERE replica_id = @id AND epoch = @epoch");
        AddKey(command.Parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every row, with its heartbeat's age by database time. Rows whose offer or state cannot be read are skipped.</summary>
    public async Task<IReadOnlyList<ReplicaRow>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("""
            SELECT replica_id, epoch, peer_url, state, greatest(extract(epoch FROM now() - heartbeat), 0)::float8, offer::text, offer_version
            FROM rxrelay_replicas
            """);
        var rows = new List<ReplicaRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (ParseState(reader.GetString(3)) is { } state && ReplicaOffer.Parse(reader.GetString(5)) is { } offer)
            {
                rows.Add(new ReplicaRow(
                    reader.GetString(0), reader.GetGuid(1), reader.GetString(2), state, TimeSpan.FromSeconds(reader.GetDouble(4)), offer, reader.GetInt64(6)));
            }
        }

        return rows;
    }

    private static ReplicaState? ParseState(string text) => text switch
    {
        "active" => ReplicaState.Active,
        "draining" => ReplicaState.Draining,
        _ => null,
    };

    private void AddKey(NpgsqlParameterCollection parameters)
    {
        parameters.AddWithValue("id", replicaId);
        parameters.AddWithValue("epoch", epoch);
    }

    private static void AddContents(NpgsqlParameterCollection parameters, DesiredRow row)
    {
        parameters.AddWithValue("state", row.State == ReplicaState.Draining ? "draining" : "active");
        parameters.AddWithValue("offer", row.Offer.ToJson());
        parameters.AddWithValue("version", row.OfferVersion);
    }
}
