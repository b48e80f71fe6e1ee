using System.Net.WebSockets;
using RxRelay.Protocol;
using RxRelay.Protocol.Messages;

namespace RxRelay.Bench.Scale;

/// <summary>
/// A minimal worker on a raw <see cref="ClientWebSocket"/>, enough to be counted and dispatched to:
/// registers one model, answers <c>ping</c> with <c>pong</c> and every <c>request</c> at once with a
/// 200 <c>{}</c> completion. Frames are encoded and decoded with <see cref="ProtocolCodec"/>. All sends
/// happen on the receive loop, so there is never more than one send in flight on the socket (a
/// <see cref="ClientWebSocket"/> rule).
/// </summary>
internal sealed class FakeWorker : IAsyncDisposable
{
    private static readonly IReadOnlyDictionary<string, string> JsonHeaders =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["content-type"] = "application/json" };

    private readonly ClientWebSocket _socket = new();
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiveLoop = Task.CompletedTask;

    private FakeWorker(int index) => Index = index;

    public int Index { get; }

    public string Model => $"model-{Index}";

    /// <summary>Why the receive loop ended early, or null while it is healthy.</summary>
    public string? Failure { get; private set; }

    /// <summary>Requests this worker answered.</summary>
    public int Answered { get; private set; }

    /// <summary>Connects, sends <c>register</c> and waits for <c>register_ack</c>.</summary>
    public static async Task<FakeWorker> ConnectAsync(Uri connectUri, string secret, int index, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var worker = new FakeWorker(index);
        try
        {
            worker._socket.Options.SetRequestHeader("x-worker-secret", secret);
            // Idle means idle: no client-side WebSocket pings, only the protocol's ping/pong.
            worker._socket.Options.KeepAliveInterval = TimeSpan.Zero;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await worker._socket.ConnectAsync(connectUri, deadline.Token).ConfigureAwait(false);
            await worker.SendAsync(new Register($"w{index}", [worker.Model], 1, ProtocolVersion.Current, 0), deadline.Token).ConfigureAwait(false);
            worker._receiveLoop = worker.ReceiveLoopAsync();
            await worker._registered.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
            return worker;
        }
        catch
        {
            await worker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        await _receiveLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
    }

    private Task SendAsync(WorkerMessage message, CancellationToken cancellationToken) =>
        _socket.SendAsync(new ArraySegment<byte>(ProtocolCodec.Encode(message)), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private async Task ReceiveLoopAsync()
    {
        // Small per-socket buffer: thousands of these sit idle at once; the rare larger frame is assembled in a stream.
        var buffer = new byte[2048];
        using var assembled = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _registered.TrySetException(new InvalidOperationException(
                        $"worker w{Index}: proxy closed the socket ({_socket.CloseStatus} {_socket.CloseStatusDescription})"));
                    return;
                }

                if (result.EndOfMessage && assembled.Length == 0)
                {
                    await HandleAsync(buffer.AsMemory(0, result.Count)).ConfigureAwait(false);
                    continue;
                }

                assembled.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    await HandleAsync(assembled.GetBuffer().AsMemory(0, (int)assembled.Length)).ConfigureAwait(false);
                    assembled.SetLength(0);
                }
            }
        }
        catch (Exception ex) when (_stop.IsCancellationRequested)
        {
            // Disposed by the fleet: the expected end.
            _ = ex;
        }
        catch (Exception ex)
        {
            // Reported, not thrown: a broken worker must show up in the scale cell's errors.
            Failure = $"worker w{Index}: {ex.GetType().Name}: {ex.Message}";
            _registered.TrySetException(new InvalidOperationException(Failure, ex));
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> frame)
    {
        var decoded = ProtocolCodec.DecodeProxyMessage(frame.Span);
        switch (decoded.Message)
        {
            case RegisterAck:
                _registered.TrySetResult();
                break;
            case Ping:
                await SendAsync(new Pong(0), _stop.Token).ConfigureAwait(false);
                break;
            case WorkerRequest request:
                await SendAsync(new ResponseComplete(request.RequestId, 200, JsonHeaders, "{}"), _stop.Token).ConfigureAwait(false);
                Answered++;
                break;
            case null:
                throw new InvalidOperationException($"worker w{Index}: undecodable frame from the proxy: {decoded.Error}");
        }
    }
}
