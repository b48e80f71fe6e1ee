using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RxRelay.IntegrationTests.WorkerRelay;

/// <summary>
/// A scripted proxy on real Kestrel (loopback, port 0), adapted from <c>WorkerConnection/FakeProxy</c>:
/// it also counts connections, stamps them on one clock the test can read, and can drop a socket
/// without a close handshake.
/// </summary>
internal sealed class RelayProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<RelaySocket> _connections = Channel.CreateUnbounded<RelaySocket>();
    private int _connectionCount;

    private RelayProxy()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.UseWebSockets();
        _app.Map("/v1/worker/connect", AcceptAsync);
    }

    /// <summary>The proxy's clock: connection and close times are read from it.</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public string BaseUrl { get; private set; } = "";

    /// <summary>Worker connections accepted so far.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    public static async Task<RelayProxy> StartAsync()
    {
        var proxy = new RelayProxy();
        await proxy._app.StartAsync();
        var addresses = proxy._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        proxy.BaseUrl = addresses.Addresses.Single();
        return proxy;
    }

    /// <summary>The next worker connection, waiting at most <paramref name="timeout"/>.</summary>
    public async Task<RelaySocket> NextConnectionAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        return await _connections.Reader.ReadAsync(cancellation.Token);
    }

    public async ValueTask DisposeAsync()
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(patience.Token);
        await _app.DisposeAsync();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new RelaySocket(context, socket, Clock);
        Interlocked.Increment(ref _connectionCount);
        _connections.Writer.TryWrite(connection);
        await connection.Completion;
    }
}
