using System.Net.WebSockets;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>A bare WebSocket dial to <c>/v1/worker/connect</c>, for what a real worker would retry past (auth rejections).</summary>
internal static class RawWorkerSocket
{
    /// <summary>Connects with <paramref name="secret"/> and returns the close status and reason the proxy sent first.</summary>
    public static async Task<(WebSocketCloseStatus? Status, string? Reason)> ConnectAndReadCloseAsync(Uri proxy, string secret)
    {
        await using var socket = await FakeWorkerSocket.ConnectAsync(new Uri($"ws://{proxy.Authority}/v1/worker/connect?provider=local"), secret);
        var (code, reason) = await socket.ReceiveCloseAsync(Bounds.Prompt);
        return ((WebSocketCloseStatus?)code, reason);
    }

    /// <summary>
    /// Like <see cref="ConnectAndReadCloseAsync"/>, but a socket the proxy accepted (no close within
    /// <paramref name="wait"/>) is hung up on and reported as null.
    /// </summary>
    public static async Task<(WebSocketCloseStatus? Status, string? Reason)?> TryReadCloseAsync(Uri proxy, string secret, TimeSpan wait)
    {
        await using var socket = await FakeWorkerSocket.ConnectAsync(new Uri($"ws://{proxy.Authority}/v1/worker/connect?provider=local"), secret);
        try
        {
            var (code, reason) = await socket.ReceiveCloseAsync(wait);
            return ((WebSocketCloseStatus?)code, reason);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
