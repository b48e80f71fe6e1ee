using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RxRelay.IntegrationTests.WorkerConnection;

/// <summary>
/// A hostile proxy on real Kestrel (127.0.0.1, port 0): it accepts the worker's upgrade by hand and hands the
/// raw stream to a script, so every byte (and every TCP write) after the 101 response is exactly the script's.
/// </summary>
internal sealed class RawFrameProxy : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RawFrameProxy(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The worker connect URL (<c>ws://</c>).</summary>
    public Uri Url { get; }

    public static async Task<RawFrameProxy> StartAsync(Func<Stream, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Map("/v1/worker/connect", async context => await script(await UpgradeAsync(context)));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RawFrameProxy(app, new Uri($"{address.Replace("http://", "ws://", StringComparison.Ordinal)}/v1/worker/connect"));
    }

    /// <summary>An unmasked frame header (server to client) in the shortest length form.</summary>
    public static byte[] Header(byte opcode, bool fin, long length)
    {
        var first = (byte)((fin ? 0x80 : 0) | opcode);
        return length switch
        {
            < 126 => [first, (byte)length],
            <= ushort.MaxValue => [first, 126, (byte)(length >> 8), (byte)length],
            _ => [first, 127, .. BitConverter.GetBytes(length).Reverse()],
        };
    }

    /// <summary>The close code of the client's first close frame; client frames are masked. Throws at EOF.</summary>
    public static async Task<int> ReadCloseCodeAsync(Stream stream)
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

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private static async Task<Stream> UpgradeAsync(HttpContext context)
    {
        var key = context.Request.Headers["Sec-WebSocket-Key"].ToString();
#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for Sec-WebSocket-Accept; it is not used for security here
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers["Sec-WebSocket-Accept"] = accept;
        return await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes);
        return bytes;
    }
}
