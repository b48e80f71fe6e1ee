using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.WorkerConnection;

/// <summary>The proxy's side of one worker socket: what the worker sent, and a way to answer.</summary>
internal sealed class ProxyConnection
{
    private readonly WebSocket _socket;
    private readonly Channel<string> _frames = Channel.CreateUnbounded<string>();

    public ProxyConnection(HttpRequest request, WebSocket socket, TimeSpan acceptedAt)
    {
        _socket = socket;
        AcceptedAt = acceptedAt;
        Path = request.Path.Value ?? "";
        QueryString = request.QueryString.Value ?? "";
        Secret = request.Headers["x-worker-secret"].ToString();
        Completion = ReadAllAsync();
    }

    public TimeSpan AcceptedAt { get; }

    public string Path { get; }

    public string QueryString { get; }

    public string Secret { get; }

    /// <summary>Completes when the worker's side is gone: closed (see <see cref="CloseStatus"/>) or aborted.</summary>
    public Task Completion { get; }

    public WebSocketCloseStatus? CloseStatus { get; private set; }

    public async Task<string> NextTextAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        return await _frames.Reader.ReadAsync(cancellation.Token);
    }

    public Task SendTextAsync(string json)
        => _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task CloseAsync(WebSocketCloseStatus status, string reason)
        => _socket.CloseOutputAsync(status, reason, CancellationToken.None);

    private async Task ReadAllAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var text = new StringBuilder();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                    text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseStatus = result.CloseStatus;
                    if (_socket.State == WebSocketState.CloseReceived)
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }

                _frames.Writer.TryWrite(text.ToString());
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or IOException)
        {
            // The worker dropped the connection without a close handshake.
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
