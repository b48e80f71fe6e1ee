using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RxRelay.Bench.Streams;

/// <summary>
/// One stream on one raw TCP connection: connect, write the request bytes, read the response with an
/// <see cref="HttpStreamParser"/> until its framed end. Per read: one receive into a small pooled buffer
/// and a byte scan, no allocation. The generator must cost far less per event than the servers it loads.
/// </summary>
internal static class RawStreamClient
{
    // SSE events are ~200 bytes; 2 KiB holds several, and 10,000 open streams hold 20 MiB in all.
    private const int ReadBufferBytes = 2048;

    /// <summary>Runs one stream; <paramref name="opened"/> is called once its request was written, <paramref name="closed"/> when it ends.</summary>
    public static async Task<StreamOutcome> RunAsync(
        IPEndPoint endpoint, byte[] request, int? expectedEvents, Action opened, Action closed, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var parser = new HttpStreamParser();
        var sent = 0L;
        var ttfb = double.NaN;
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            sent = Stopwatch.GetTimestamp();
            opened();
            try
            {
                for (var offset = 0; offset < request.Length;)
                {
                    offset += await socket.SendAsync(request.AsMemory(offset), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                }

                while (!parser.IsComplete && parser.Error is null)
                {
                    var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        parser.EndOfInput();
                        break;
                    }

                    var before = parser.BodyBytes;
                    parser.Feed(buffer.AsSpan(0, read));
                    if (before == 0 && parser.BodyBytes > 0)
                    {
                        ttfb = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                    }
                }
            }
            finally
            {
                closed();
            }

            return new StreamOutcome(ttfb, Stopwatch.GetElapsedTime(sent).TotalMilliseconds, parser.Events, Check(parser, expectedEvents));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new StreamOutcome(ttfb, double.NaN, parser.Events, $"unfinished at the cell's deadline after {parser.Events} events");
        }
        catch (SocketException ex)
        {
            return new StreamOutcome(ttfb, double.NaN, parser.Events, $"{(sent == 0 ? "connect" : "socket")}: {ex.SocketErrorCode} ({ex.Message}) after {parser.Events} events");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The error text for a finished parse, or null when the stream is exactly right (any event count when <paramref name="expectedEvents"/> is null).</summary>
    public static string? Check(HttpStreamParser parser, int? expectedEvents) =>
        parser.Error is { } error ? $"{error} (HTTP {parser.StatusCode})"
        : parser.StatusCode != 200 ? $"HTTP {parser.StatusCode}: {parser.ErrorBody}"
        : !parser.IsComplete ? $"unfinished after {parser.Events} events"
        : expectedEvents is { } expected && parser.Events != expected ? $"stream had {parser.Events} events, expected {expectedEvents}"
        : null;
}
