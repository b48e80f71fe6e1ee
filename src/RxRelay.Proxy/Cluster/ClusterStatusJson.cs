using System.Text.Json;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// The <c>cluster</c> object of <c>/health</c> and <c>/admin/*?scope=cluster</c>: this replica's id and state,
/// then each live peer (ordered by id) with its state and its offer as the directory holds it. A peer's offer
/// is per provider and model (a worker counts under each of its models), so it is shown that way, not summed.
/// </summary>
internal static class ClusterStatusJson
{
    /// <summary>The directory's word for <paramref name="state"/>.</summary>
    public static string Name(ReplicaState state) => state == ReplicaState.Draining ? "draining" : "active";

    /// <summary>
    /// <c>/health</c>'s summary: each peer's offer for <paramref name="provider"/> only, as
    /// <c>{model, workers, capacity, free}</c>.
    /// </summary>
    public static void WriteSummary(Utf8JsonWriter w, ClusterStatus status, string provider) =>
        Write(w, status, peer =>
        {
            w.WriteStartArray("models");
            foreach (var m in peer.Offer.Models.Where(m => m.Provider == provider))
            {
                w.WriteStartObject();
                w.WriteString("model", m.Model);
                w.WriteNumber("workers", m.Workers);
                w.WriteNumber("capacity", m.Capacity);
                w.WriteNumber("free", m.Free);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });

    /// <summary>The admin view: each peer's URL, offer version and whole offer (every provider, every field).</summary>
    public static void WriteDetail(Utf8JsonWriter w, ClusterStatus status) =>
        Write(w, status, peer =>
        {
            w.WriteString("peer_url", peer.PeerUrl);
            w.WriteNumber("offer_version", peer.OfferVersion);
            peer.Offer.WriteModels(w);
        });

    private static void Write(Utf8JsonWriter w, ClusterStatus status, Action<ClusterPeer> writePeer)
    {
        w.WriteStartObject("cluster");
        w.WriteString("replica_id", status.ReplicaId);
        w.WriteString("state", Name(status.State));
        w.WriteStartArray("peers");
        foreach (var peer in status.View.Peers)
        {
            w.WriteStartObject();
            w.WriteString("replica_id", peer.ReplicaId);
            w.WriteString("state", Name(peer.State));
            writePeer(peer);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
