using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RxRelay.IntegrationTests.WorkerBackendRelay;

/// <summary>A request as the backend received it.</summary>
internal sealed record RecordedRequest(
    string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] BodyBytes)
{
    public string Body => System.Text.Encoding.UTF8.GetString(BodyBytes);
}

/// <summary>A purpose-built Kestrel backend on 127.0.0.1, port 0, that records every request it receives.</summary>
internal sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests;

    private TestBackend(WebApplication app, string url, ConcurrentQueue<RecordedRequest> requests)
    {
        _app = app;
        Url = url;
        _requests = requests;
    }

    public string Url { get; }

    public static Task<TestBackend> StartAsync(Func<HttpContext, Task> handler, int port = 0)
        => StartAsync((context, _) => handler(context), port);

    /// <summary>Starts a backend whose handler also gets the recorded request (the body is already read).</summary>
    public static async Task<TestBackend> StartAsync(Func<HttpContext, RecordedRequest, Task> handler, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.AddServerHeader = false;
            // Backpressure tests stall the reader on purpose; Kestrel must not cut it as a slow client.
            kestrel.Limits.MinResponseDataRate = null;
        });
        var app = builder.Build();
        var requests = new ConcurrentQueue<RecordedRequest>();
        app.Run(async context =>
        {
            var recorded = await RecordAsync(context.Request);
            requests.Enqueue(recorded);
            await handler(context, recorded);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestBackend(app, address, requests);
    }

    /// <summary>The requests received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Received => [.. _requests];

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private static async Task<RecordedRequest> RecordAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var headers = request.Headers.ToDictionary(
            header => header.Key.ToLowerInvariant(), header => header.Value.ToString(), StringComparer.Ordinal);
        return new RecordedRequest(request.Method, request.Path + request.QueryString, headers, body.ToArray());
    }
}
