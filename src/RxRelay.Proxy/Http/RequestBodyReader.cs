using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace RxRelay.Proxy.Http;

/// <summary>
/// Reads an inference request body as UTF-8 text, at most <see cref="MaxBytes"/> (2 MiB, axum's default
/// that upstream never overrides). Returns the text, or the error response to send.
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>Largest accepted body.</summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Outcome: <c>Text</c> on success, else the status to answer with (413 or 400).</summary>
    public readonly record struct Result(string? Text, int ErrorStatus);

    /// <summary>Reads the whole body.</summary>
    public static async Task<Result> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            return new(null, StatusCodes.Status413PayloadTooLarge);
        }

        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            if (read.Buffer.Length > MaxBytes)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return new(null, StatusCodes.Status413PayloadTooLarge);
            }

            if (read.IsCompleted)
            {
                var text = Decode(read.Buffer);
                reader.AdvanceTo(read.Buffer.End);
                return text is null ? new(null, StatusCodes.Status400BadRequest) : new(text, 0);
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End); // keep everything, ask for more
        }
    }

    private static string? Decode(ReadOnlySequence<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
