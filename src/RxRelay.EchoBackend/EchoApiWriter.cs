using System.Buffers;
using System.Text.Json;

namespace RxRelay.EchoBackend;

/// <summary>
/// The shape shared by the three dialects: a whole JSON answer, or a stream of head events, one
/// event per token (each after the requested delay, each flushed), and tail events.
/// </summary>
internal abstract class EchoApiWriter(TimeProvider timeProvider)
{
    /// <summary>Writes the non-streaming answer object.</summary>
    protected abstract void WriteComplete(Utf8JsonWriter json, EchoExchange exchange);

    /// <summary>Writes the events before the first token.</summary>
    protected abstract void WriteHead(SseWriter sse, EchoExchange exchange);

    /// <summary>Writes the event carrying token <paramref name="index"/>.</summary>
    protected abstract void WriteToken(SseWriter sse, EchoExchange exchange, int index);

    /// <summary>Writes the events after the last token.</summary>
    protected abstract void WriteTail(SseWriter sse, EchoExchange exchange);

    /// <summary>Answers a non-streaming request with one JSON body, after the whole generation's delay.</summary>
    public async Task WriteCompleteAsync(HttpResponse response, EchoExchange exchange, CancellationToken cancellationToken)
    {
        // Capped at the longest wait a .NET timer accepts, so absurd knobs cannot overflow.
        var generation = TimeSpan.FromMilliseconds(Math.Min(
            exchange.Request.TokenDelay.TotalMilliseconds * exchange.Request.TokenCount, uint.MaxValue - 2d));
        if (generation > TimeSpan.Zero)
        {
            await Task.Delay(generation, timeProvider, cancellationToken);
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, SseWriter.JsonOptions))
        {
            WriteComplete(json, exchange);
        }

        // A real backend sends a Content-Length on whole answers, so the worker sees one too.
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>Streams the answer as server-sent events, stopping as soon as the client goes away.</summary>
    public async Task StreamAsync(HttpResponse response, EchoExchange exchange, CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        using var sse = new SseWriter(response.BodyWriter);
        WriteHead(sse, exchange);
        if (!await sse.FlushAsync(cancellationToken))
        {
            return;
        }

        var delay = exchange.Request.TokenDelay;
        for (var i = 0; i < exchange.Request.TokenCount; i++)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, timeProvider, cancellationToken);
            }

            WriteToken(sse, exchange, i);
            if (!await sse.FlushAsync(cancellationToken))
            {
                return;
            }
        }

        WriteTail(sse, exchange);
        await sse.FlushAsync(cancellationToken);
    }
}
