using System.Text.Json.Serialization;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Http;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// One buffered client request as a replica forwards it to a peer: the JSON body of
/// <c>POST /peer/v1/forward</c>, snake_case, <c>version</c> 1. The client's body travels as a JSON string,
/// byte-identical once decoded; the headers are those already chosen for the worker
/// (docs/protocol.md#http-forwarded-headers), so the peer sends the worker what the local worker would get.
/// </summary>
/// <param name="Version">Always <see cref="PeerProtocol.Version"/>; any other value is refused (400).</param>
/// <param name="RequestId">The client-facing request id (<c>x-request-id</c>) on the forwarding replica, for logs.</param>
/// <param name="Provider">The provider it was submitted under there.</param>
/// <param name="Endpoint">One of the inference paths, e.g. <c>/v1/chat/completions</c>.</param>
/// <param name="Model">The body's <c>model</c>.</param>
/// <param name="Stream">The body's <c>stream</c> flag.</param>
/// <param name="Headers">Forwarded headers: lowercase token names, visible-ASCII values (else 400).</param>
/// <param name="Body">The client's body text.</param>
/// <param name="Tenant">The id of the client API key that authenticated it; null without one.</param>
/// <param name="DeadlineMs">
/// Milliseconds left of the request timeout when it was sent (relative, so replica clocks never matter);
/// null when the forwarding replica has no request timeout.
/// </param>
internal sealed record PeerEnvelope(
    int Version,
    string RequestId,
    string Provider,
    string Endpoint,
    string Model,
    bool Stream,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    string? Tenant = null,
    long? DeadlineMs = null)
{
    /// <summary>Largest envelope a peer reads: the client body limit, room for JSON escaping, headers.</summary>
    public const long MaxBytes = 8 * RequestBodyReader.MaxBytes;

    /// <summary>The envelope of <paramref name="submit"/>, forwarded with <paramref name="remaining"/> of its deadline.</summary>
    public static PeerEnvelope From(SubmitRequest submit, string requestId, TimeSpan? remaining) => new(
        PeerProtocol.Version, requestId, submit.Provider, submit.EndpointPath, submit.Model, submit.IsStreaming,
        submit.Headers, submit.Body, submit.Tenant,
        remaining is { } left ? Math.Max(1, (long)Math.Ceiling(left.TotalMilliseconds)) : null);

    /// <summary>What is wrong with a decoded envelope (fields may be null after decoding); null when it is valid.</summary>
    public string? Problem()
    {
        if (Version != PeerProtocol.Version) return $"unsupported envelope version {Version}";
        if (RequestId is null || Provider is null || Model is null || Body is null || Headers is null) return "missing field";
        if (Endpoint is null || InferenceEndpoint.PathOf(Endpoint) is null) return "unknown endpoint";
        if (Model.Length == 0) return "empty model";
        if (DeadlineMs is <= 0) return "deadline_ms must be positive";
        foreach (var (name, value) in Headers)
        {
            var lower = WorkerResponseWriter.IsToken(name) && name.Equals(name.ToLowerInvariant(), StringComparison.Ordinal);
            if (!lower || value is null || !HeaderText.IsVisibleAscii(value)) return "bad header";
        }

        return null;
    }

    /// <summary>The submission the peer runs at once (its own provider is the envelope's).</summary>
    public SubmitRequest ToSubmitRequest()
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal); // sorted, as the wire emits them
        foreach (var (name, value) in Headers) headers[name] = value;
        return new SubmitRequest(Provider, Model, InferenceEndpoint.PathOf(Endpoint)!, Stream, Body, headers, Tenant);
    }
}

/// <summary>Source-generated JSON for <see cref="PeerEnvelope"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PeerEnvelope))]
internal sealed partial class PeerJson : JsonSerializerContext;
