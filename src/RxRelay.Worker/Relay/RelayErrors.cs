using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RxRelay.Protocol.Messages;

namespace RxRelay.Worker.Relay;

/// <summary>
/// The completions the worker produces itself, when the backend's answer cannot be relayed. Bodies use
/// the OpenAI error shape <c>{"error":{"type":…,"message":…}}</c> so clients parse them like any error.
/// </summary>
internal static class RelayErrors
{
    private static readonly IReadOnlyDictionary<string, string> JsonHeaders =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["content-type"] = "application/json" };

    private static readonly IReadOnlyDictionary<string, string> NoHeaders =
        new Dictionary<string, string>(StringComparer.Ordinal);

    // Relaxed escaping keeps quotes such as the path's '…' readable; the body is JSON, never HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>400 <c>invalid_request_error</c>: the path is not an allowed inference route; never fetched.</summary>
    public static ResponseComplete PathNotAllowed(string requestId, string path)
        => Error(requestId, 400, "invalid_request_error", $"endpoint path '{path}' is not allowed");

    /// <summary>503 <c>worker_overloaded</c>: more requests than <c>MaxConcurrency</c> are in flight.</summary>
    public static ResponseComplete Overloaded(string requestId, uint maxConcurrency)
        => Error(requestId, 503, "worker_overloaded", $"worker is at its concurrency limit ({maxConcurrency})");

    /// <summary>503 <c>worker_draining</c>: a new request reached a draining worker.</summary>
    public static ResponseComplete Draining(string requestId)
        => Error(requestId, 503, "worker_draining", "worker is draining and accepts no new requests");

    /// <summary>503 <c>worker_draining</c>: the drain deadline passed before the request finished.</summary>
    public static ResponseComplete DrainTimedOut(string requestId)
        => Error(requestId, 503, "worker_draining", "worker shut down before the request finished");

    /// <summary>502 <c>backend_unavailable</c>: no answer from the backend (refused, reset, connect timeout).</summary>
    public static ResponseComplete BackendUnavailable(string requestId)
        => Error(requestId, 502, "backend_unavailable", "the backend could not be reached or sent no response");

    /// <summary>502 <c>backend_error</c>: the backend answered, then its body failed mid-read.</summary>
    public static ResponseComplete BackendError(string requestId)
        => Error(requestId, 502, "backend_error", "the backend response was interrupted");

    /// <summary>499 with an empty body: the proxy cancelled the request; this frees its slot.</summary>
    public static ResponseComplete Cancelled(string requestId) => new(requestId, 499, NoHeaders, string.Empty);

    /// <summary>The JSON error body, escaped by the JSON writer (paths come from the proxy).</summary>
    public static string ErrorBody(string type, string message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("type", type);
            writer.WriteString("message", message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static ResponseComplete Error(string requestId, ushort status, string type, string message)
        => new(requestId, status, JsonHeaders, ErrorBody(type, message));
}
