using System.Net.Sockets;
using System.Text;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>
/// A raw HTTP/1.1 client over TCP, as upstream's tests use
/// (docs/differences-from-upstream.md#upstream-tests): exact bytes in and out, incremental reads for live
/// streams, half-close and abrupt drop for disconnect scenarios.
/// </summary>
internal sealed class RawHttp : IDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly StringBuilder _received = new();

    private RawHttp(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>Everything read so far (Latin-1 decoded, so bytes map 1:1 to chars).</summary>
    public string Received => _received.ToString();

    public static async Task<RawHttp> OpenAsync(int port, int? receiveBuffer = null)
    {
        var client = new TcpClient();
        if (receiveBuffer is { } size)
        {
            client.ReceiveBufferSize = size;
        }

        await client.ConnectAsync("127.0.0.1", port);
        return new RawHttp(client);
    }

    /// <summary>Opens a connection and sends a POST with upstream's tests' standard headers.</summary>
    public static async Task<RawHttp> PostAsync(int port, string path, string body, params (string Name, string Value)[] headers)
    {
        var http = await OpenAsync(port);
        await http.SendAsync(Request("POST", path, body, headers));
        return http;
    }

    /// <summary>Builds the request bytes: Host, Content-Type, Content-Length, Connection: close, then extra headers.</summary>
    public static string Request(string method, string path, string body, params (string Name, string Value)[] headers)
    {
        var text = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n");
        text.Append($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers)
        {
            text.Append($"{name}: {value}\r\n");
        }

        return text.Append("\r\n").Append(body).ToString();
    }

    public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendBytesAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads until the received text contains <paramref name="marker"/>; returns everything so far.</summary>
    public async Task<string> ReadUntilAsync(string marker, TimeSpan? wait = null)
    {
        using var cts = new CancellationTokenSource(wait ?? DefaultWait);
        var buffer = new byte[64 * 1024];
        while (!Received.Contains(marker, StringComparison.Ordinal))
        {
            var n = await _stream.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                Assert.Fail($"connection closed before '{marker}' arrived; got: {Received}");
            }

            _received.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }

        return Received;
    }

    /// <summary>Reads to EOF (the proxy closes after a <c>Connection: close</c> response).</summary>
    public async Task<string> ReadToEndAsync(TimeSpan? wait = null)
    {
        using var cts = new CancellationTokenSource(wait ?? DefaultWait);
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await _stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                _received.Append(Encoding.Latin1.GetString(buffer, 0, n));
            }
        }
        catch (IOException)
        {
            // a reset also ends the response
        }

        return Received;
    }

    /// <summary>Reads the whole response and parses it.</summary>
    public async Task<RawResponse> ReadResponseAsync(TimeSpan? wait = null) => RawResponse.Parse(await ReadToEndAsync(wait));

    /// <summary>Client half-close: no more request bytes (upstream treats it as a disconnect).</summary>
    public void HalfClose() => _client.Client.Shutdown(SocketShutdown.Send);

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}

/// <summary>A parsed HTTP/1.1 response: status line, headers (lowercase names), de-chunked body.</summary>
internal sealed record RawResponse(string StatusLine, int Status, IReadOnlyList<(string Name, string Value)> Headers, string Body, bool Chunked)
{
    public string? Header(string name) => Headers.Where(h => h.Name == name).Select(h => h.Value).LastOrDefault();

    public static RawResponse Parse(string raw)
    {
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no complete response head in: {raw}");
        var lines = raw[..split].Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => (p[0].Trim().ToLowerInvariant(), p[1].Trim())).ToList();
        var rawBody = raw[(split + 4)..];
        var chunked = headers.Any(h => h.Item1 == "transfer-encoding" && h.Item2.Contains("chunked", StringComparison.Ordinal));
        var body = Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(chunked ? Dechunk(rawBody) : rawBody));
        return new RawResponse(lines[0], int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, body, chunked);
    }

    private static string Dechunk(string raw)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = raw.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(raw[at..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(raw, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
