using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace RxRelay.Proxy.Admin;

/// <summary>
/// Reads <c>{"name":"…"}</c> of <c>POST /admin/keys</c> with axum's <c>Json</c> extractor statuses:
/// 415 without a JSON content type, 400 for malformed JSON, 422 for a missing or mistyped <c>name</c>.
/// </summary>
internal static class CreateKeyRequestReader
{
    /// <summary>The name, or the status and text of the rejection.</summary>
    public readonly record struct Result(string? Name, int Status, string? Error);

    /// <summary>Reads and checks the body (bounded like the inference routes: 2 MiB).</summary>
    public static async Task<Result> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsJsonContentType(request.ContentType))
        {
            return new(null, StatusCodes.Status415UnsupportedMediaType, "Expected request with `Content-Type: application/json`");
        }

        var body = await Http.RequestBodyReader.ReadAsync(request, cancellationToken);
        if (body.Text is null)
        {
            return new(null, body.ErrorStatus, body.ErrorStatus == 413 ? Http.PlainTextResponses.BodyTooLarge : "Failed to parse the request body as JSON");
        }

        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(body.Text));
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                return new(null, StatusCodes.Status422UnprocessableEntity, "Failed to deserialize the JSON body into the target type: missing or invalid field `name`");
            }

            return new(name.GetString(), StatusCodes.Status201Created, null);
        }
        catch (JsonException)
        {
            return new(null, StatusCodes.Status400BadRequest, "Failed to parse the request body as JSON");
        }
    }

    private static bool IsJsonContentType(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
