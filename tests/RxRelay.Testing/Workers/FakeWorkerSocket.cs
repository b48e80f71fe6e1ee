using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace RxRelay.Testing.Workers;

/// <summary>One frame a scripted worker received: text, or a close with code and reason.</summary>
public sealed record ReceivedFrame(WebSocketMessageType Type, string Text, int? CloseCode = null, string? CloseReason = null)
{
    /// <summary>True for the protocol's <c>ping</c> frame.</summary>
    public bool IsPing => Type == WebSocketMessageType.Text && Text == """{"type":"ping"}""";
}

/// <summary>
/// A fake worker: a raw <see cref="ClientWebSocket"/> on the proxy's worker endpoint, driven by the test
/// frame by frame (no worker code involved). A background reader puts
/// every inbound frame into a channel (cancelling a receive would abort the socket), so tests can wait
/// for frames or assert silence. Optionally answers pings with a pong of a given load.
/// </summary>
public sealed class FakeWorkerSocket : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket;
    private readonly Channel<ReceivedFrame> _frames = Channel.CreateUnbounded<ReceivedFrame>();
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    private FakeWorkerSocket(ClientWebSocket socket)
    {
        _socket = socket;
        _ = Task.Run(ReadLoopAsync);
    }

    /// <summary>When set, every ping is answered at once with <c>pong {current_load}</c>.</summary>
    public uint? AutoPongLoad { get; set; }

    /// <summary>
    /// Connects to <paramref name="uri"/> (<c>ws://…/v1/worker/connect…</c>) with <paramref name="secret"/>
    /// as <c>x-worker-secret</c> (none when <c>null</c>) and any extra <paramref name="headers"/>. No
    /// WebSocket keep-alive pings: only the protocol's own.
    /// </summary>
    public static async Task<FakeWorkerSocket> ConnectAsync(Uri uri, string? secret, IReadOnlyDictionary<string, string>? headers = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (secret is not null)
        {
            socket.Options.SetRequestHeader("x-worker-secret", secret);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            socket.Options.SetRequestHeader(name, value);
        }

        using var cts = new CancellationTokenSource(DefaultWait);
        try
        {
            await socket.ConnectAsync(uri, cts.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new FakeWorkerSocket(socket);
    }

    public Task SendRegisterAsync(string name, string[] models, uint max, string version = "2026-04-bridge-v1") =>
        SendAsync($$"""{"type":"register","worker_name":"{{name}}","models":[{{string.Join(",", models.Select(m => $"\"{m}\""))}}],"max_concurrent":{{max}},"protocol_version":"{{version}}","current_load":0}""");

    public async Task SendAsync(string json)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public Task SendChunkAsync(string requestId, string chunk) =>
        SendAsync($$"""{"type":"response_chunk","request_id":"{{requestId}}","chunk":{{System.Text.Json.JsonSerializer.Serialize(chunk)}}}""");

    public Task SendCompleteAsync(string requestId, int status = 200, string headersJson = "{}", string body = "") =>
        SendAsync($$"""{"type":"response_complete","request_id":"{{requestId}}","status_code":{{status}},"headers":{{headersJson}},"body":{{System.Text.Json.JsonSerializer.Serialize(body)}}}""");

    /// <summary>The next frame that is not a ping (pings are skipped unless asked for).</summary>
    public async Task<ReceivedFrame> ReceiveAsync(TimeSpan? wait = null, bool skipPings = true)
    {
        using var cts = new CancellationTokenSource(wait ?? DefaultWait);
        while (true)
        {
            var frame = await _frames.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
            if (!(skipPings && frame.IsPing))
            {
                return frame;
            }
        }
    }

    public async Task<string> ReceiveTextAsync(TimeSpan? wait = null, bool skipPings = true)
    {
        var frame = await ReceiveAsync(wait, skipPings).ConfigureAwait(false);
        return frame.Type == WebSocketMessageType.Text ? frame.Text : throw new InvalidOperationException($"expected a text frame, got {frame}");
    }

    public async Task<(int? Code, string? Reason)> ReceiveCloseAsync(TimeSpan? wait = null)
    {
        var frame = await ReceiveAsync(wait).ConfigureAwait(false);
        return frame.Type == WebSocketMessageType.Close
            ? (frame.CloseCode, frame.CloseReason)
            : throw new InvalidOperationException($"expected a close frame, got {frame}");
    }

    /// <summary>A frame already received, without waiting (pings skipped).</summary>
    public bool TryReceive(out ReceivedFrame? frame)
    {
        while (_frames.Reader.TryRead(out frame))
        {
            if (!frame.IsPing)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Asserts that no non-ping frame arrives within <paramref name="window"/>.</summary>
    public async Task AssertSilentAsync(TimeSpan window)
    {
        try
        {
            var frame = await ReceiveAsync(window).ConfigureAwait(false);
            throw new InvalidOperationException($"expected silence, got {frame}");
        }
        catch (OperationCanceledException)
        {
            // silence, as expected
        }
    }

    /// <summary>Drops the TCP connection without a close frame (a crashed worker).</summary>
    public void Abort() => _socket.Abort();

    public async Task CloseAsync()
    {
        using var cts = new CancellationTokenSource(DefaultWait);
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // already closed by the proxy
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[1024 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                var text = Encoding.UTF8.GetString(message.ToArray());
                var frame = result.MessageType == WebSocketMessageType.Close
                    ? new ReceivedFrame(WebSocketMessageType.Close, "", (int?)_socket.CloseStatus, _socket.CloseStatusDescription)
                    : new ReceivedFrame(result.MessageType, text);
                _frames.Writer.TryWrite(frame);
                if (frame.Type == WebSocketMessageType.Close)
                {
                    break;
                }

                if (frame.IsPing && AutoPongLoad is { } load)
                {
                    await SendAsync($$"""{"type":"pong","current_load":{{load}}}""").ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            _frames.Writer.TryWrite(new ReceivedFrame(WebSocketMessageType.Close, "", null, "connection dropped: " + ex.Message));
        }

        _frames.Writer.TryComplete();
    }
}
