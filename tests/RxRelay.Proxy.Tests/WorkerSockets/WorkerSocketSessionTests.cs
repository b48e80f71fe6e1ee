using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Tests.WorkerSockets;

/// <summary>The worker socket session over an in-memory socket pair, in virtual time.</summary>
public sealed class WorkerSocketSessionTests : IAsyncDisposable
{
    private const string Register = """{"type":"register","worker_name":"gpu-box-a","models":["llama-3.1-70b"],"max_concurrent":1,"protocol_version":"2026-04-bridge-v1","current_load":0}""";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10); // real-time bound for async hand-offs only
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly WebSocketPair _sockets = new();
    private readonly Dispatcher _dispatcher;
    private readonly ProxyOptions _options = new() { Provider = "openai" };

    public WorkerSocketSessionTests() => _dispatcher = new Dispatcher(new DispatchOptions(), _time);

    public ValueTask DisposeAsync()
    {
        _sockets.Dispose();
        _dispatcher.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task StartSut() =>
        new WorkerSocketSession(_sockets.Server, "openai", _dispatcher, _options, _time, NullLogger.Instance).RunAsync(CancellationToken.None);

    private Task SendAsync(string json) =>
        _sockets.Client.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task<string> ReceiveTextAsync()
    {
        var buffer = new byte[64 * 1024];
        var result = await _sockets.Client.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Guard);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    private async Task<(WebSocketCloseStatus? Code, string? Reason)> ReceiveCloseAsync(Task<WebSocketReceiveResult> pending)
    {
        var result = await pending.WaitAsync(Guard);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        return (_sockets.Client.CloseStatus, _sockets.Client.CloseStatusDescription);
    }

    [Fact]
    public async Task RunAsync_NoRegisterWithinTenSeconds_Closes1002()
    {
        var run = StartSut();
        var pending = _sockets.Client.ReceiveAsync(new byte[256], CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(((WebSocketCloseStatus)1002, "worker registration protocol error"), await ReceiveCloseAsync(pending));
        await run.WaitAsync(Guard);
    }

    [Fact]
    public async Task RunAsync_RegistrationTimedOutThenSocketGone_LeavesNoUnobservedTaskException()
    {
        var unobserved = new List<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            if (e.Exception.InnerExceptions.Any(x => x.StackTrace?.Contains(nameof(WorkerFrameReader), StringComparison.Ordinal) == true))
            {
                lock (unobserved) unobserved.Add(e.Exception);
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await TimeOutRegistrationThenDropSocketAsync();
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.Empty(unobserved);
    }

    // Kept out of line so no local of the test method keeps the faulted read alive for the GC.
    private async Task TimeOutRegistrationThenDropSocketAsync()
    {
        var run = StartSut();
        var pending = _sockets.Client.ReceiveAsync(new byte[256], CancellationToken.None);
        _time.Advance(_options.RegistrationTimeout);
        await ReceiveCloseAsync(pending);
        await run.WaitAsync(Guard);
        _sockets.Dispose(); // the host disposes the socket when the session returns: the pending read fails
        await Task.Yield();
    }

    [Theory]
    [InlineData("""{"type":"pong","current_load":0}""")]
    [InlineData("not json")]
    [InlineData("""{"type":"register","worker_name":"a","models":[],"max_concurrent":1,"protocol_version":"katamari-pre-release"}""")]
    public async Task RunAsync_FirstFrameNotAValidRegister_Closes1002(string first)
    {
        var run = StartSut();
        var pending = _sockets.Client.ReceiveAsync(new byte[256], CancellationToken.None);

        await SendAsync(first);

        Assert.Equal(((WebSocketCloseStatus)1002, "worker registration protocol error"), await ReceiveCloseAsync(pending));
        await run.WaitAsync(Guard);
        Assert.Empty(_dispatcher.GetSnapshot().Workers);
    }

    [Fact]
    public async Task RunAsync_Registered_AcksFirstThenPingsAfterInterval()
    {
        _ = StartSut();
        await SendAsync(Register);
        Assert.Equal("""{"type":"register_ack","worker_id":"worker-1","models":["llama-3.1-70b"],"protocol_version":"2026-04-bridge-v1"}""", await ReceiveTextAsync());

        _time.Advance(_options.HeartbeatInterval);

        Assert.Equal("""{"type":"ping"}""", await ReceiveTextAsync());
    }

    [Fact]
    public async Task RunAsync_PingUnanswered_RemovesWorkerThenCloses1000()
    {
        var run = StartSut();
        await SendAsync(Register);
        await ReceiveTextAsync();
        _time.Advance(_options.HeartbeatInterval);
        await ReceiveTextAsync();
        var pending = _sockets.Client.ReceiveAsync(new byte[256], CancellationToken.None);

        _time.Advance(_options.HeartbeatTimeout);

        Assert.Equal((WebSocketCloseStatus.NormalClosure, "worker heartbeat timed out"), await ReceiveCloseAsync(pending));
        await run.WaitAsync(Guard);
        Assert.Empty(_dispatcher.GetSnapshot().Workers);
    }

    [Fact]
    public async Task RunAsync_BinaryFrameAfterRegistration_Closes1002AndRemovesWorker()
    {
        var run = StartSut();
        await SendAsync(Register);
        await ReceiveTextAsync();
        var pending = _sockets.Client.ReceiveAsync(new byte[256], CancellationToken.None);

        await _sockets.Client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);

        Assert.Equal(((WebSocketCloseStatus)1002, "worker registration protocol error"), await ReceiveCloseAsync(pending));
        await run.WaitAsync(Guard);
        Assert.Empty(_dispatcher.GetSnapshot().Workers);
    }
}
