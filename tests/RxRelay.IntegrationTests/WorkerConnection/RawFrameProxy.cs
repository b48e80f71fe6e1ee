using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace RxRelay.IntegrationTests.WorkerConnection;

/// <summary>
/// A hostile proxy on a bare TCP socket (127.0.0.1, port 0): it answers one worker's upgrade by hand and
/// hands the raw stream to a script, so every byte and every TCP write after the request is exactly the
/// script's. Not Kestrel: Kestrel drops what it had received once a write fails, and a worker that refuses
/// a frame drops the connection while the script is still writing, right after its close frame.
/// </summary>
internal sealed class RawFrameProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _served;

    /// <param name="script">Runs on the upgraded connection; it ends when the script returns.</param>
    /// <param name="withResponse">Bytes sent in the same write as the 101 response (frames right behind the head).</param>
    public RawFrameProxy(Func<Stream, Task> script, byte[]? withResponse = null)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1/worker/connect");
        _served = ServeOneAsync(script, withResponse ?? []);
    }

    /// <summary>The worker connect URL (<c>ws://</c>).</summary>
    public Uri Url { get; }

    /// <summary>An unmasked frame header (server to client) in the shortest length form.</summary>
    public static byte[] Header(byte opcode, bool fin, long length)
    {
        var first = (byte)((fin ? 0x80 : 0) | opcode);
        return length switch
        {
            < 126 => [first, (byte)length],
            <= ushort.MaxValue => [first, 126, (byte)(length >> 8), (byte)length],
            _ => [first, 127, .. BitConverter.GetBytes(length).Reverse()],
        };
    }

    /// <summary>The close code of the client's first close frame; client frames are masked. Throws at EOF.</summary>
    public static async Task<int> ReadCloseCodeAsync(Stream stream)
    {
        while (true)
        {
            var head = await ReadExactlyAsync(stream, 2);
            var length = (long)(head[1] & 0x7F);
            if (length == 126)
                length = (await ReadExactlyAsync(stream, 2)) is var l2 ? (l2[0] << 8) | l2[1] : 0;
            else if (length == 127)
                length = BitConverter.ToInt64((await ReadExactlyAsync(stream, 8)).Reverse().ToArray());
            var mask = await ReadExactlyAsync(stream, 4);
            var payload = await ReadExactlyAsync(stream, (int)length);
            if ((head[0] & 0x0F) == 0x8)
                return ((payload[0] ^ mask[0]) << 8) | (payload[1] ^ mask[1]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _served.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or TimeoutException or EndOfStreamException)
        {
            // The worker went first, or nobody connected; the test has its own assertions.
        }

        _stop.Dispose();
    }

    private async Task ServeOneAsync(Func<Stream, Task> script, byte[] withResponse)
    {
        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
        client.NoDelay = true;
        await using var stream = client.GetStream();
        var key = await ReadWebSocketKeyAsync(stream, _stop.Token);
#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for Sec-WebSocket-Accept; it is not used for security here
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        var response = $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n";
        byte[] first = [.. Encoding.ASCII.GetBytes(response), .. withResponse];
        await stream.WriteAsync(first, _stop.Token);
        await script(stream);
    }

    // The client sends nothing after its request head until the 101, so reading in chunks takes no frame bytes.
    private static async Task<string> ReadWebSocketKeyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new MemoryStream();
        var buffer = new byte[4096];
        while (!Encoding.ASCII.GetString(head.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0 || head.Length > 64 * 1024)
                throw new IOException("no complete upgrade request");
            head.Write(buffer, 0, read);
        }

        return Encoding.ASCII.GetString(head.ToArray()).Split("\r\n")
            .Single(line => line.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))["Sec-WebSocket-Key:".Length..].Trim();
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes);
        return bytes;
    }
}
