using Microsoft.Reactive.Testing;
using RxRelay.Proxy.Cluster;

namespace RxRelay.Proxy.Tests.Cluster;

/// <summary>
/// The directory table in memory, for view tests in virtual time. Its "database clock" runs an hour ahead
/// of the replica's scheduler: ages are computed on it, as PostgreSQL computes <c>now() - heartbeat</c>.
/// </summary>
internal sealed class FakeDirectory(TestScheduler scheduler)
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromHours(1);
    private readonly Dictionary<string, (ReplicaRow Row, DateTimeOffset Heartbeat)> _rows = new(StringComparer.Ordinal);

    /// <summary>Reads started so far.</summary>
    public int Reads { get; private set; }

    /// <summary>True: reads fail (return null).</summary>
    public bool Down { get; set; }

    /// <summary>When set, reads wait for it instead of answering at once.</summary>
    public TaskCompletionSource? Gate { get; set; }

    private DateTimeOffset DatabaseNow => scheduler.Now + ClockSkew;

    /// <summary>Writes the heartbeat (and the rest) of <paramref name="id"/>'s row now, by database time.</summary>
    public void Beat(string id, long version = 0, ReplicaState state = ReplicaState.Active, TimeSpan age = default) =>
        _rows[id] = (Row(id, version, state), DatabaseNow - age);

    public void Delete(string id) => _rows.Remove(id);

    /// <summary>The view entry a row written by <see cref="Beat"/> becomes.</summary>
    public static ClusterPeer Peer(string id, long version = 0, ReplicaState state = ReplicaState.Active) => Row(id, version, state).ToPeer();

    public static ClusterView View(params ClusterPeer[] peers) => new(peers);

    public async Task<IReadOnlyList<ReplicaRow>?> ReadAsync(CancellationToken cancellationToken)
    {
        Reads++;
        if (Gate is { } gate)
        {
            await gate.Task.ConfigureAwait(false); // finish inline in SetResult, at the virtual time of the release
        }

        return Down ? null : _rows.Values.Select(r => r.Row with { HeartbeatAge = DatabaseNow - r.Heartbeat }).ToList();
    }

    private static ReplicaRow Row(string id, long version, ReplicaState state) =>
        new(id, Epoch(id), $"http://{id}:7070", state, TimeSpan.Zero, ReplicaOffer.Empty, version);

    private static Guid Epoch(string id) => new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)).AsSpan(0, 16));
}
