using System.Buffers;
using System.IO.Pipelines;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RxRelay.EchoBackend;

/// <summary>
/// Writes server-sent events straight into the response pipe: <c>event:</c> line (optional),
/// <c>data:</c> line with JSON from a reused <see cref="Utf8JsonWriter"/>, blank line. No
/// intermediate strings, so a benchmark measures the relay rather than this backend.
/// </summary>
internal sealed class SseWriter : IDisposable
{
    /// <summary>
    /// Non-ASCII text goes out as raw UTF-8 rather than \u escapes, as real backends do; that also
    /// gives the worker's UTF-8 chunk decoding something real to chew on.
    /// </summary>
    public static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;

    public SseWriter(PipeWriter pipe)
    {
        _pipe = pipe;
        _json = new Utf8JsonWriter(pipe, JsonOptions);
    }

    /// <summary>Starts an event; write one JSON value to the returned writer, then call <see cref="EndEvent"/>.</summary>
    public Utf8JsonWriter BeginEvent(ReadOnlySpan<byte> eventName)
    {
        if (!eventName.IsEmpty)
        {
            _pipe.Write("event: "u8);
            _pipe.Write(eventName);
            _pipe.Write("\n"u8);
        }

        _pipe.Write("data: "u8);
        _json.Reset(_pipe);
        return _json;
    }

    /// <summary>Ends the event started by <see cref="BeginEvent"/>.</summary>
    public void EndEvent()
    {
        _json.Flush();
        _pipe.Write("\n\n"u8);
    }

    /// <summary>Writes the OpenAI Chat Completions terminator, <c>data: [DONE]</c>.</summary>
    public void WriteDone() => _pipe.Write("data: [DONE]\n\n"u8);

    /// <summary>Sends what was written. False when the client has gone and writing should stop.</summary>
    public async ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _pipe.FlushAsync(cancellationToken);
        return !result.IsCompleted && !result.IsCanceled;
    }

    /// <inheritdoc />
    public void Dispose() => _json.Dispose();
}
