using Npgsql;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>One row of <c>rxrelay_replicas</c>: the fields the scenarios assert, the age by the database's clock.</summary>
internal sealed record ReplicaRow(string ReplicaId, Guid Epoch, string PeerUrl, string State, TimeSpan Age, string Offer)
{
    private const string Query =
        "SELECT replica_id, epoch, peer_url, state, now() - heartbeat, offer::text FROM rxrelay_replicas ORDER BY replica_id";

    /// <summary>Every row, by replica id, read over a fresh unpooled connection.</summary>
    public static async Task<IReadOnlyList<ReplicaRow>> ReadAllAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=5;Command Timeout=5");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Query, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<ReplicaRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new ReplicaRow(
                reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetTimeSpan(4), reader.GetString(5)));
        }

        return rows;
    }
}
