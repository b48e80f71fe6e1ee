using System.Net.WebSockets;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>A bare WebSocket dial to <c>/v1/worker/connect</c>, for what a real worker would retry past (auth rejections).</summary>
internal static class RawWorkerSocket
{
    /// <summary>Connects with <paramref name="secret"/> and returns the close status and reason the proxy sent first.</summary>
    public static async Task<(WebSocketCloseStatus? Status, string? Reason)> ConnectAndReadCloseAsync(Uri proxy, string secret)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("x-worker-secret", secret);
        using var bound = new CancellationTokenSource(Bounds.Prompt);
        await socket.ConnectAsync(new Uri($"ws://{proxy.Authority}/v1/worker/connect?provider=local"), bound.Token);
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, bound.Token);
        return result.MessageType == WebSocketMessageType.Close
            ? (socket.CloseStatus, socket.CloseStatusDescription)
            : throw new InvalidOperationException($"expected a close frame first, got {result.MessageType}");
    }
}
