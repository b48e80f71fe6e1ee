using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace RxRelay.Proxy.Cluster;

/// <summary>Why a peer did not run a forwarded request (<c>x-rxrelay-refusal</c>), sent before any byte of an answer.</summary>
internal enum PeerRefusal
{
    /// <summary>No local worker had a free slot: try another peer or stay queued; no attempt consumed.</summary>
    NoCapacity,

    /// <summary>The worker was lost before its first event (or the peer's drain ended first): attempt consumed, requeue.</summary>
    WorkerLost,

    /// <summary>Missing or wrong <c>x-rxrelay-peer-secret</c>: the replicas are misconfigured.</summary>
    Unauthorized,

    /// <summary>The envelope was not valid (version, fields, size).</summary>
    BadRequest,

    /// <summary>Anything but <c>POST /peer/v1/forward</c> on the peer listener.</summary>
    NotFound,

    /// <summary>A refusal value this replica does not know (a newer peer).</summary>
    Unknown,
}

/// <summary>
/// The peer protocol's names (the design: /work notes "peer protocol", later docs/cluster.md): the one route,
/// its headers and the refusal values. Version 1.
/// </summary>
internal static class PeerProtocol
{
    /// <summary>The only route of the peer listener.</summary>
    public const string ForwardPath = "/peer/v1/forward";

    /// <summary>Carries the shared peer secret on every forward.</summary>
    public const string SecretHeader = "x-rxrelay-peer-secret";

    /// <summary>Set on every answer of the peer listener that is not a worker's answer.</summary>
    public const string RefusalHeader = "x-rxrelay-refusal";

    /// <summary>
    /// Set (to <see cref="StreamAnswer"/>) on an answer that is a started event stream: its body is the chunks, in
    /// order, then possibly the SSE error event. Without it the answer is the worker's whole non-streaming response.
    /// </summary>
    public const string AnswerHeader = "x-rxrelay-answer";

    /// <summary>The value of <see cref="AnswerHeader"/> on a streamed answer.</summary>
    public const string StreamAnswer = "stream";

    /// <summary>On a client's answer when <c>--served-by-header on</c>: the replica id whose worker ran the request.</summary>
    public const string ServedByHeader = "x-rxrelay-served-by";

    /// <summary>The envelope version this replica writes and accepts.</summary>
    public const int Version = 1;

    /// <summary>The header value of a refusal.</summary>
    public static string Text(PeerRefusal refusal) => refusal switch
    {
        PeerRefusal.NoCapacity => "no-capacity",
        PeerRefusal.WorkerLost => "worker-lost",
        PeerRefusal.Unauthorized => "unauthorized",
        PeerRefusal.BadRequest => "bad-request",
        PeerRefusal.NotFound => "not-found",
        _ => "unknown",
    };

    /// <summary>The refusal a header value names; <see cref="PeerRefusal.Unknown"/> for any other text.</summary>
    public static PeerRefusal Parse(string? value) => value switch
    {
        "no-capacity" => PeerRefusal.NoCapacity,
        "worker-lost" => PeerRefusal.WorkerLost,
        "unauthorized" => PeerRefusal.Unauthorized,
        "bad-request" => PeerRefusal.BadRequest,
        "not-found" => PeerRefusal.NotFound,
        _ => PeerRefusal.Unknown,
    };

    /// <summary>
    /// Whether <paramref name="given"/> (the request's <see cref="SecretHeader"/> values) is exactly one value
    /// equal to <paramref name="expected"/>. Both sides are hashed first, so the comparison takes the same
    /// time whatever the lengths and wherever they differ. An unset or empty secret matches nothing.
    /// </summary>
    public static bool SecretMatches(string? expected, StringValues given)
    {
        if (string.IsNullOrEmpty(expected) || given.Count != 1 || given[0] is not { } value)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }
}
