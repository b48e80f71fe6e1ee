using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// An upstream-style worker reduced to a loop over one raw WebSocket (no worker code): dial
/// <c>/v1/worker/connect</c> through nginx with the worker secret, register one model, answer pings with
/// pongs and every request with a 200 whose body is the worker's name; when the socket ends, dial again
/// after a short jittered pause, as upstream's worker does. Small buffers, so a thousand fit in a test.
/// </summary>
internal sealed class FleetWorker : IAsyncDisposable
{
    private static readonly TimeSpan ConnectBound = TimeSpan.FromSeconds(10);

    private readonly Uri _connect;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _sessions;
    private volatile bool _registered;

    private FleetWorker(Uri proxy, string name)
    {
        Name = name;
        _connect = new Uri($"ws://{proxy.Authority}/v1/worker/connect?provider=local");
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The worker's name, which is also its one model and every answer's body.</summary>
    public string Name { get; }

    /// <summary>Registrations the proxy acknowledged so far.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>True while a session is registered.</summary>
    public bool IsRegistered => _registered;

    public static FleetWorker Start(Uri proxy, string name) => new(proxy, name);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(Bounds.Prompt).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await RunSessionAsync();
            }
            catch (Exception error) when (error is WebSocketException or OperationCanceledException or IOException or JsonException)
            {
                // The session ended; dial again below.
            }

            _registered = false;
            await Task.Delay(TimeSpan.FromMilliseconds(100 + Random.Shared.Next(400)), _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RunSessionAsync()
    {
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.SetRequestHeader("x-worker-secret", ProxySettings.Secret);
        using (var bound = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            bound.CancelAfter(ConnectBound);
            await socket.ConnectAsync(_connect, bound.Token);
        }

        await SendAsync(socket, $$"""{"type":"register","worker_name":"{{Name}}","models":["{{Name}}"],"max_concurrent":1,"protocol_version":"2026-04-bridge-v1","current_load":0}""");
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, _stop.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                await HandleAsync(socket, message.ToArray());
                message.SetLength(0);
            }
        }
    }

    private async Task HandleAsync(ClientWebSocket socket, byte[] frame)
    {
        using var json = JsonDocument.Parse(frame);
        switch (json.RootElement.GetProperty("type").GetString())
        {
            case "register_ack":
                Interlocked.Increment(ref _sessions);
                _registered = true;
                break;
            case "ping":
                await SendAsync(socket, """{"type":"pong","current_load":0}""");
                break;
            case "request":
                var id = json.RootElement.GetProperty("request_id").GetString();
                await SendAsync(socket, $$"""{"type":"response_complete","request_id":"{{id}}","status_code":200,"headers":{"content-type":"text/plain"},"body":"{{Name}}"}""");
                break;
            default:
                break;
        }
    }

    private Task SendAsync(ClientWebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
}
