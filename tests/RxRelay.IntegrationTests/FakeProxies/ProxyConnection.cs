using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.FakeProxies;

/// <summary>
/// The proxy's side of one worker socket: how the worker connected, every text frame it sent,
/// and ways to answer, close or drop it.
/// </summary>
internal sealed class ProxyConnection
{
    private readonly HttpContext _context;
    private readonly WebSocket _socket;
    private readonly Stopwatch _clock;
    private readonly Channel<string> _frames = Channel.CreateUnbounded<string>();
    private volatile TaskCompletionSource? _paused;

    public ProxyConnection(HttpContext context, WebSocket socket, Stopwatch clock)
    {
        _context = context;
        _socket = socket;
        _clock = clock;
        AcceptedAt = clock.Elapsed;
        Path = context.Request.Path.Value ?? "";
        QueryString = context.Request.QueryString.Value ?? "";
        Secret = context.Request.Headers["x-worker-secret"].ToString();
        Completion = ReadAllAsync();
    }

    /// <summary>When the proxy accepted the socket, on <see cref="FakeProxy.Clock"/>.</summary>
    public TimeSpan AcceptedAt { get; }

    public string Path { get; }

    public string QueryString { get; }

    /// <summary>The worker's <c>x-worker-secret</c> header.</summary>
    public string Secret { get; }

    /// <summary>Completes when the worker's side is gone: closed (see <see cref="CloseStatus"/>) or dropped.</summary>
    public Task Completion { get; }

    public WebSocketCloseStatus? CloseStatus { get; private set; }

    /// <summary>The next text frame; throws <see cref="OperationCanceledException"/> after <paramref name="timeout"/>.</summary>
    public async Task<string> NextTextAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        return await _frames.Reader.ReadAsync(cancellation.Token);
    }

    /// <summary>The next frame if one arrives within <paramref name="window"/>, else null (also null once the socket ended).</summary>
    public async Task<string?> FrameWithinAsync(TimeSpan window)
    {
        using var cancellation = new CancellationTokenSource(window);
        try
        {
            return await _frames.Reader.ReadAsync(cancellation.Token);
        }
        catch (Exception error) when (error is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Sends one text frame. Callers send one frame at a time, as a WebSocket requires.</summary>
    public Task SendTextAsync(string json)
        => _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Sends a close frame; returns the time it was sent on <see cref="FakeProxy.Clock"/>.</summary>
    public async Task<TimeSpan> CloseAsync(WebSocketCloseStatus status, string reason)
    {
        await _socket.CloseOutputAsync(status, reason, CancellationToken.None);
        return _clock.Elapsed;
    }

    /// <summary>Stops reading after the current frame: the worker's sends back up into the TCP buffers and then block.</summary>
    public void PauseReading() => _paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ResumeReading() => Interlocked.Exchange(ref _paused, null)?.TrySetResult();

    /// <summary>Drops the TCP connection with no close handshake.</summary>
    public void Abort() => _context.Abort();

    private async Task ReadAllAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                if (_paused is { } paused)
                    await paused.Task;

                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseStatus = result.CloseStatus;
                    if (_socket.State == WebSocketState.CloseReceived)
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }

                // Decoded whole, so a character split across WebSocket fragments is never mangled here.
                _frames.Writer.TryWrite(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Dropped without a close handshake (by the worker, or by Abort).
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
