using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using RxRelay.Worker.Connection;

namespace RxRelay.IntegrationTests.WorkerConnection;

/// <summary>
/// Inbound size limits on real sockets: a hostile proxy (real Kestrel, raw frames after the upgrade) declares
/// a 300 MiB frame and streams it; the worker's link closes with 1009 once the frame passes 16 MiB and
/// never hands the frame on.
/// </summary>
public sealed class HostileFrameTests
{
    private const long MiB = 1024 * 1024;

    /// <summary>The hostile proxy stops sending here (bounds the test); a worker without limits would still be reading.</summary>
    private const long SendAtMost = 64 * MiB;

    [Fact]
    public async Task Open_ProxySendsA300MiBFrame_ClosesWith1009AndDeliversNothing()
    {
        var outcome = new TaskCompletionSource<(long SentBeforeClose, int CloseCode)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var proxy = await StartHostileProxyAsync(outcome);
        using var link = new WebsocketProxyLink(new Uri($"{proxy.Url}/v1/worker/connect"), "top-secret");
        var events = new List<LinkEvent>();
        var ended = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = link.Open().Subscribe(e => { lock (events) events.Add(e); }, e => ended.TrySetResult(e), () => ended.TrySetResult(null));

        var (sentBeforeClose, closeCode) = await outcome.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var error = await ended.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1009, closeCode);
        // 16 MiB read, plus what the loopback socket buffers held when the close arrived.
        Assert.InRange(sentBeforeClose, 16 * MiB, 48 * MiB);
        Assert.Equal([new LinkEvent.Opened()], events);
        var refusal = Assert.IsType<InboundTooLargeException>(error);
        Assert.Equal("the proxy sent a frame over 16 MiB; closed with 1009 (message too big)", refusal.Message);
    }

    private static async Task<HostileProxy> StartHostileProxyAsync(TaskCompletionSource<(long, int)> outcome)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Map("/v1/worker/connect", context => SendHostileFrameAsync(context, outcome));
        await app.StartAsync();
        var address = BoundAddress.Of(app);
        return new HostileProxy(app, address.Replace("http://", "ws://", StringComparison.Ordinal));
    }

    // The upgrade by hand, so the frames after it are exactly ours: one text frame declaring 300 MiB.
    private static async Task SendHostileFrameAsync(HttpContext context, TaskCompletionSource<(long, int)> outcome)
    {
        var key = context.Request.Headers["Sec-WebSocket-Key"].ToString();
#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for Sec-WebSocket-Accept; it is not used for security here
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers["Sec-WebSocket-Accept"] = accept;
        var stream = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();

        var sent = 0L;
        var closeCode = ReadCloseCodeAsync(stream);
        byte[] header = [0x81, 127, 0, 0, 0, 0, 0x12, 0xC0, 0, 0]; // FIN, text, 300 MiB
        await stream.WriteAsync(header);
        var chunk = Enumerable.Repeat((byte)'a', 64 * 1024).ToArray();
        try
        {
            while (sent < SendAtMost && !closeCode.IsCompleted)
            {
                await stream.WriteAsync(chunk);
                sent += chunk.Length;
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException)
        {
            // The worker dropped the connection after its close.
        }

        var sentBeforeClose = sent;
        if (await Task.WhenAny(closeCode, Task.Delay(TimeSpan.FromSeconds(5))) == closeCode)
            outcome.TrySetResult((sentBeforeClose, await closeCode));
        else
            outcome.TrySetException(new TimeoutException($"no close from the worker after {sent / MiB} MiB of a 300 MiB frame"));
    }

    // Client frames are masked; the worker sends its register frame first (unless it refused before), then its close.
    private static async Task<int> ReadCloseCodeAsync(Stream stream)
    {
        while (true)
        {
            var head = await ReadExactlyAsync(stream, 2);
            var length = (long)(head[1] & 0x7F);
            if (length == 126)
                length = (await ReadExactlyAsync(stream, 2)) is var l2 ? (l2[0] << 8) | l2[1] : 0;
            else if (length == 127)
                length = BitConverter.ToInt64((await ReadExactlyAsync(stream, 8)).Reverse().ToArray());
            var mask = await ReadExactlyAsync(stream, 4);
            var payload = await ReadExactlyAsync(stream, (int)length);
            if ((head[0] & 0x0F) == 0x8)
                return ((payload[0] ^ mask[0]) << 8) | (payload[1] ^ mask[1]);
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes);
        return bytes;
    }

    private sealed record HostileProxy(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await App.StopAsync(stop.Token);
            await App.DisposeAsync();
        }
    }
}
