using System.Net.WebSockets;

namespace RxRelay.Worker.Connection;

/// <summary>Transport settings of the worker's WebSocket.</summary>
internal static class LinkTuning
{
    /// <summary>The header that carries the worker secret; the secret never goes into the URL.</summary>
    public const string SecretHeader = "x-worker-secret";

    /// <summary>
    /// Real WebSocket PING every 15 s, abort when no PONG within 15 s: the liveness check of a busy socket,
    /// whose idle timer is suspended while requests stream (see IdleTimeoutObservableExtensions).
    /// </summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <inheritdoc cref="KeepAliveInterval"/>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Bounds a connect that hangs; a failed connect then backs off like any failure.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public static ClientWebSocket CreateSocket(string workerSecret)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = KeepAliveInterval;
        socket.Options.KeepAliveTimeout = KeepAliveTimeout;
        try
        {
            socket.Options.SetRequestHeader(SecretHeader, workerSecret);
        }
        catch (ArgumentException)
        {
            socket.Dispose();
            // Rethrown without the original message so the secret's text can never reach a log line.
            throw new InvalidOperationException($"the worker secret is not a valid value for the {SecretHeader} header");
        }

        return socket;
    }
}
