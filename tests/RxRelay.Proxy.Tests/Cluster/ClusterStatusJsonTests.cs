using System.Buffers;
using System.Text;
using System.Text.Json;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Tests.Cluster;

/// <summary>The <c>cluster</c> object of <c>/health</c> (summary) and <c>/admin/*?scope=cluster</c> (detail).</summary>
public sealed class ClusterStatusJsonTests
{
    private static readonly ClusterStatus Status = new("proxy-a", ReplicaState.Draining, new ClusterView(
    [
        new("proxy-b", Guid.Empty, "http://b:7070", ReplicaState.Active, new ReplicaOffer(
        [
            new ModelLoad("anthropic", "claude", 1, 1, 1, 0, 0),
            new ModelLoad("openai", "m1", 2, 6, 1, 3, 5),
        ]), 7),
        new("proxy-c", Guid.Empty, "http://c:7070", ReplicaState.Draining, ReplicaOffer.Empty, 0),
    ]));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void WriteSummary_ThisProvidersOfferPerPeer()
    {
        Assert.Equal(
            """{"cluster":{"replica_id":"proxy-a","state":"draining","peers":[""" +
            """{"replica_id":"proxy-b","state":"active","models":[{"model":"m1","workers":2,"capacity":6,"free":5}]},""" +
            """{"replica_id":"proxy-c","state":"draining","models":[]}]}}""",
            Json(w => ClusterStatusJson.WriteSummary(w, Status, "openai")));
    }

    [Fact]
    public void WriteDetail_WholeOfferWithUrlAndVersion()
    {
        Assert.Equal(
            """{"cluster":{"replica_id":"proxy-a","state":"draining","peers":[""" +
            """{"replica_id":"proxy-b","state":"active","peer_url":"http://b:7070","offer_version":7,"models":[""" +
            """{"provider":"anthropic","model":"claude","workers":1,"capacity":1,"in_flight":1,"queued":0,"free":0},""" +
            """{"provider":"openai","model":"m1","workers":2,"capacity":6,"in_flight":1,"queued":3,"free":5}]},""" +
            """{"replica_id":"proxy-c","state":"draining","peer_url":"http://c:7070","offer_version":0,"models":[]}]}}""",
            Json(w => ClusterStatusJson.WriteDetail(w, Status)));
    }

    [Fact]
    public void WriteSummary_NoPeers_EmptyList() =>
        Assert.Equal(
            """{"cluster":{"replica_id":"solo","state":"active","peers":[]}}""",
            Json(w => ClusterStatusJson.WriteSummary(w, new ClusterStatus("solo", ReplicaState.Active, ClusterView.Empty), "openai")));
}
