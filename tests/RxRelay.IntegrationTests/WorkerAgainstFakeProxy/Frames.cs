using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>
/// The exact protocol frames a test expects, written out by hand in the wire's rules
/// (docs/protocol.md#framing): compact, <c>type</c> first, fields in declaration order, header maps sorted,
/// empty maps omitted, strings escaping only <c>"</c>, <c>\</c> and C0 controls.
/// </summary>
internal static partial class Frames
{
    public const string Ping = """{"type":"ping"}""";

    public static string Pong(int load) => $$"""{"type":"pong","current_load":{{load}}}""";

    public static string Request(string id, string path, bool streaming, string body, string model = "echo-model", IReadOnlyDictionary<string, string>? headers = null)
        => $$"""{"type":"request","request_id":{{Quote(id)}},"model":{{Quote(model)}},"endpoint_path":{{Quote(path)}},"is_streaming":{{(streaming ? "true" : "false")}},"body":{{Quote(body)}}{{HeadersField(headers)}}}""";

    public static string Cancel(string id, string reason = "client_disconnect")
        => $$"""{"type":"cancel","request_id":{{Quote(id)}},"reason":{{Quote(reason)}}}""";

    public static string Chunk(string id, string text)
        => $$"""{"type":"response_chunk","request_id":{{Quote(id)}},"chunk":{{Quote(text)}}}""";

    public static string Complete(string id, int status, IReadOnlyDictionary<string, string>? headers, string body)
        => $$"""{"type":"response_complete","request_id":{{Quote(id)}},"status_code":{{status}}{{HeadersField(headers)}},"body":{{Quote(body)}}}""";

    public static string ModelsUpdate(int load, params string[] models)
        => $$"""{"type":"models_update","models":[{{string.Join(",", models.Select(Quote))}}],"current_load":{{load}}}""";

    public static string Register(int maxConcurrent, params string[] models)
        => $$"""{"type":"register","worker_name":"{{WorkerStack.WorkerName}}","models":[{{string.Join(",", models.Select(Quote))}}],"max_concurrent":{{maxConcurrent}},"protocol_version":"2026-04-bridge-v1","current_load":0}""";

    /// <summary>The worker's own error completion: OpenAI error shape, <c>content-type: application/json</c>.</summary>
    public static string ErrorComplete(string id, int status, string type, string message)
        => Complete(id, status, Headers(("content-type", "application/json")), $$$"""{"error":{"type":"{{{type}}}","message":"{{{message}}}"}}""");

    public static Dictionary<string, string> Headers(params (string Name, string Value)[] headers)
        => headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.Ordinal);

    /// <summary>
    /// Kestrel stamps every answer with a <c>date</c> header; its value is the one thing in a frame a
    /// test cannot know, so it is replaced by <see cref="AnyDate"/> (after checking it is an HTTP date).
    /// </summary>
    public static string WithoutDate(string frame)
        => DateField().Replace(frame, match =>
        {
            Assert.True(DateTimeOffset.TryParseExact(match.Groups[1].Value, "r", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), match.Value);
            return $"\"date\":\"{AnyDate}\"";
        });

    public const string AnyDate = "<date>";

    public static string Quote(string value)
    {
        var json = new StringBuilder("\"");
        foreach (var c in value)
        {
            json.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return json.Append('"').ToString();
    }

    private static string HeadersField(IReadOnlyDictionary<string, string>? headers)
        => headers is null || headers.Count == 0
            ? ""
            : $",\"headers\":{{{string.Join(",", headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{Quote(h.Key)}:{Quote(h.Value)}"))}}}";

    [GeneratedRegex("\"date\":\"([^\"]*)\"")]
    private static partial Regex DateField();
}
