using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RxRelay.IntegrationTests.FakeProxies;

/// <summary>
/// A scripted proxy on real Kestrel (loopback, port 0): every worker connection to
/// <c>/v1/worker/connect</c> is accepted, counted, stamped on <see cref="Clock"/>, queued for the test,
/// and handed to the test's script (if any).
/// </summary>
internal sealed class FakeProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ProxyConnection> _connections = Channel.CreateUnbounded<ProxyConnection>();
    private int _connectionCount;

    private FakeProxy(Func<ProxyConnection, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.UseWebSockets();
        _app.Map("/v1/worker/connect", context => AcceptAsync(context, script));
    }

    /// <summary>The proxy's clock: connection and close times are read from it.</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public string BaseUrl { get; private set; } = "";

    /// <summary>Worker connections accepted so far.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>A proxy that accepts connections and leaves them to the test.</summary>
    public static Task<FakeProxy> StartAsync() => StartAsync(static _ => Task.CompletedTask);

    /// <summary>A proxy that runs <paramref name="script"/> on every connection it accepts.</summary>
    public static async Task<FakeProxy> StartAsync(Func<ProxyConnection, Task> script)
    {
        var proxy = new FakeProxy(script);
        await proxy._app.StartAsync();
        proxy.BaseUrl = BoundAddress.Of(proxy._app);
        return proxy;
    }

    /// <summary>The next worker connection, waiting at most <paramref name="timeout"/>.</summary>
    public async Task<ProxyConnection> NextConnectionAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        return await _connections.Reader.ReadAsync(cancellation.Token);
    }

    public bool TryTakeConnection(out ProxyConnection? connection) => _connections.Reader.TryRead(out connection);

    public async ValueTask DisposeAsync()
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(patience.Token);
        await _app.DisposeAsync();
    }

    private async Task AcceptAsync(HttpContext context, Func<ProxyConnection, Task> script)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new ProxyConnection(context, socket, Clock);
        Interlocked.Increment(ref _connectionCount);
        _connections.Writer.TryWrite(connection);
        await script(connection);
        await connection.Completion;
    }
}
