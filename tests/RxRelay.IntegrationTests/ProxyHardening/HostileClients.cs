using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using RxRelay.IntegrationTests.Proxy;

namespace RxRelay.IntegrationTests.ProxyHardening;

/// <summary>
/// Raw clients for the hardening tests: HTTP and WebSocket connections from a chosen loopback source
/// address (127.0.0.2 is a distinct caller on Linux loopback).
/// </summary>
internal static class HostileClients
{
    public static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");

    /// <summary>A handler whose connections leave from <paramref name="source"/>.</summary>
    public static SocketsHttpHandler From(IPAddress source) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Opens a worker socket from <paramref name="source"/>; the caller reads the outcome.</summary>
    public static async Task<ClientWebSocket> ConnectWorkerAsync(
        Uri uri, string secret, IPAddress? source = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("x-worker-secret", secret);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            socket.Options.SetRequestHeader(name, value);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var invoker = new HttpMessageInvoker(From(source ?? IPAddress.Loopback));
        await socket.ConnectAsync(uri, invoker, cts.Token);
        return socket;
    }

    /// <summary>Connects with a wrong or right secret and returns the close the proxy sends (or the register_ack text).</summary>
    public static async Task<string> OutcomeAsync(Uri uri, string secret, IPAddress? source = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var socket = await ConnectWorkerAsync(uri, secret, source, headers);
        if (secret == ProxyTestHost.Secret)
        {
            await SendTextAsync(socket, """{"type":"register","worker_name":"w","models":["m"],"max_concurrent":1}""");
        }

        var (text, close) = await ReceiveAsync(socket);
        return close is { } c ? $"close {(int)c.Status} {c.Reason}" : text!;
    }

    public static Task SendTextAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next text message, or the close status and reason.</summary>
    public static async Task<(string? Text, (WebSocketCloseStatus Status, string? Reason)? Close)> ReceiveAsync(ClientWebSocket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[1 << 20];
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (null, (socket.CloseStatus!.Value, socket.CloseStatusDescription));
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return (System.Text.Encoding.UTF8.GetString(buffer, 0, length), null);
            }
        }
    }
}
