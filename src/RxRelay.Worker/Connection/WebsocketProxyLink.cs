using System.Net.Sockets;
using System.Net.WebSockets;
using System.Reactive;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using RxRelay.Protocol.WebSockets;
using Websocket.Client;

namespace RxRelay.Worker.Connection;

/// <summary>
/// <see cref="IProxyLink"/> over one Websocket.Client <see cref="WebsocketClient"/>, with all of that
/// library's timing machinery off (no reconnect, no watchdog): the Rx pipeline owns every timing decision.
/// </summary>
internal sealed class WebsocketProxyLink : IProxyLink
{
    private readonly WebsocketClient _client;
    private IObserver<LinkEvent>? _events;
    private WebSocket? _socket;
    private SizeLimitedWebSocket? _reading;
    private CorkedStream? _stream;
    private HttpMessageInvoker? _invoker;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _closing;

    public WebsocketProxyLink(Uri url, string workerSecret)
    {
        _client = new WebsocketClient(url, null, (uri, ct) => ConnectAsync(uri, workerSecret, ct), InboundLimits.ReceiveBuffers)
        {
            IsReconnectionEnabled = false,
            ReconnectTimeout = null,
            ErrorReconnectTimeout = null,
            LostReconnectTimeout = null,
            ConnectTimeout = LinkTuning.ConnectTimeout,
            // Frames reach us as the bytes read, not decoded into a string that ToEvent would encode back:
            // the codec reads UTF-8. The library then reports every frame as binary; whether it was text is
            // asked of the socket it read it from (SizeLimitedWebSocket.LastMessageWasText).
            IsTextMessageConversionEnabled = false,
        };
    }

    // Events are delivered on the library's receive loop, with no hand-off to another thread: the
    // session's handling of a frame never blocks (it decodes, starts the backend call up to its first
    // await, or queues a reply), and a thread hop per frame cost more CPU than the whole relay once
    // measured (docs/benchmarks.md). A handler that throws fails the stream, which ends the session.
    public IObservable<LinkEvent> Open()
        => Observable.Create<LinkEvent>(async (observer, _) =>
            {
                // The receive loop, the disconnect path and the connect continuation can all call in.
                var events = Observer.Synchronize(observer);
                _events = events;
                var subscriptions = new CompositeDisposable(
                    _client.MessageReceived.Subscribe(message => events.OnNext(ToEvent(message, Volatile.Read(ref _reading)!))),
                    _client.DisconnectionHappened.Take(1).Subscribe(info => End(events, info)));
                try
                {
                    await _client.StartOrFail().ConfigureAwait(false);
                    _started.TrySetResult();
                }
                catch (Exception error)
                {
                    FailStart(error);
                    throw;
                }

                return subscriptions;
            });

    public async ValueTask SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
    {
        // Not SendInstant: it silently drops a frame when the socket is not open, and it only takes strings.
        // Frames reach here one at a time from the session's ordered outbound writer. The socket is our own
        // reference: the library publishes its client only after our connect callback has returned.
        var socket = Volatile.Read(ref _socket) ?? throw new WebSocketException(WebSocketError.InvalidState);
        await socket.SendAsync(utf8Json, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
    }

    public bool CoalescesWrites => true;

    // The frames go into the connection stream corked, then out as one write (one system call, one
    // wake-up of the proxy's reader) instead of one each.
    public async ValueTask SendManyAsync(IReadOnlyList<ReadOnlyMemory<byte>> frames, CancellationToken cancellationToken)
    {
        var socket = Volatile.Read(ref _socket) ?? throw new WebSocketException(WebSocketError.InvalidState);
        var stream = Volatile.Read(ref _stream)!;
        stream.Cork();
        try
        {
            foreach (var frame in frames)
                await socket.SendAsync(frame, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stream.UncorkAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Not the library's Stop: it silently does nothing until the library has marked itself running, which
    // happens a moment after our connect callback (and so after Opened). Closing our own socket is exact;
    // the library's receive loop then sees the close reply and reports the end.
    // A close asked for the moment the link opened (a stop that came while connecting) waits until the
    // library's receive loop runs, so the close reply is read by that loop and never by a second reader.
    public async Task CloseAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken)
    {
        await _started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var socket = Volatile.Read(ref _socket) ?? throw new WebSocketException(WebSocketError.InvalidState);
        _closing = true;
        await socket.CloseAsync(status, description, cancellationToken).ConfigureAwait(false);
    }

    // Observed at once: a link that never opened is usually never closed, and nobody else reads it.
    private void FailStart(Exception error)
    {
        _started.TrySetException(error);
        _ = _started.Task.Exception;
    }

    public void Dispose()
    {
        _client.Dispose();
        _invoker?.Dispose();
    }

    // Runs inside the library's connect: Opened is therefore emitted before its receive loop starts,
    // so no frame (not even an immediate 1008 close) can overtake it.
    private async Task<WebSocket> ConnectAsync(Uri uri, string workerSecret, CancellationToken cancellationToken)
    {
        var socket = LinkTuning.CreateSocket(workerSecret);
        // Our own handler to own the connection's streams: corked writes under TLS (CorkedStream), and the
        // frame-header guard over TLS, on the plaintext stream (the connect callback's stream carries TLS
        // records for wss): the HTTP/1.1 upgrade response, then exactly the bytes the WebSocket reads.
        // Proxy, TLS and keep-alive behave exactly as with ClientWebSocket's built-in handler.
        var guard = FrameHeaderGuard.AfterHttpResponseHead(InboundLimits.MaxFrameBytes, InboundLimits.MaxMessageBytes);
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = ConnectStreamAsync,
            PlaintextStreamFilter = (context, _) => ValueTask.FromResult<Stream>(new FrameHeaderGuardStream(context.PlaintextStream, guard)),
            UseCookies = false,
        });
        try
        {
            await socket.ConnectAsync(uri, _invoker, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Volatile.Write(ref _socket, socket);
        _events?.OnNext(new LinkEvent.Opened());
        // The library's receive loop reads through the limits; our own sends and close use the socket itself.
        var reading = new SizeLimitedWebSocket(socket, guard);
        Volatile.Write(ref _reading, reading);
        return reading;
    }

    private async ValueTask<Stream> ConnectStreamAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var stream = new CorkedStream(new NetworkStream(socket, ownsSocket: true));
        Volatile.Write(ref _stream, stream);
        return stream;
    }

    // On the library's receive loop, right after it read the message: the socket's last message is this one.
    private static LinkEvent.Message ToEvent(ResponseMessage message, SizeLimitedWebSocket reading)
        => new(message.Binary ?? [], reading.LastMessageWasText);

    private void End(IObserver<LinkEvent> events, DisconnectionInfo info)
    {
        switch (info.Type)
        {
            case DisconnectionType.ByServer when _closing:
                // The proxy's reply to our own close: a plain end, not the proxy closing on us.
                events.OnCompleted();
                break;
            case DisconnectionType.ByServer:
                events.OnNext(new LinkEvent.Closed(info.CloseStatus, info.CloseStatusDescription));
                events.OnCompleted();
                break;
            case DisconnectionType.ByUser or DisconnectionType.Exit:
                events.OnCompleted();
                break;
            default:
                events.OnError(info.Exception ?? new WebSocketException(WebSocketError.ConnectionClosedPrematurely));
                break;
        }
    }
}
