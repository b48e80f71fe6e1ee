using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// <c>GET /v1/worker/connect</c> (docs/protocol.md#connect): the handshake always completes (101); authentication
/// failures are close frames 1008, not HTTP errors. An authenticated socket becomes a
/// <see cref="WorkerSocketSession"/>.
/// </summary>
internal sealed class WorkerConnectEndpoint(
    WorkerAuthenticator authenticator, Dispatcher dispatcher, ProxyOptions options, TimeProvider time, ILogger<WorkerConnectEndpoint> logger)
{
    /// <summary>Provider used when the query has none.</summary>
    public const string DefaultProvider = "local";

    /// <summary>Handles one connect request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        if (DuplicateQueryField(context.Request.Query) is { } duplicate)
        {
            await WriteTextAsync(context, StatusCodes.Status400BadRequest, $"Failed to deserialize query string: duplicate field `{duplicate}`");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await WriteTextAsync(context, StatusCodes.Status400BadRequest, "Connection header did not include 'upgrade'");
            return;
        }

        var provider = context.Request.Query["provider"] is { Count: > 0 } p ? p[0]! : DefaultProvider;
        var identity = ClientIdentity.From(context.Request.Headers);
        var result = authenticator.Authenticate(context.Request.Headers, context.Request.Query, provider, identity);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(
            new WebSocketAcceptContext { DangerousEnableCompression = false, KeepAliveInterval = TimeSpan.Zero });
        if (result != WorkerAuthResult.Accepted)
        {
            await RejectAsync(socket, result, provider, identity);
            return;
        }

        var session = new WorkerSocketSession(socket, provider, dispatcher, options, time, logger);
        await session.RunAsync(context.RequestAborted);
    }

    private async Task RejectAsync(WebSocket socket, WorkerAuthResult result, string provider, string identity)
    {
        var reason = result == WorkerAuthResult.RateLimited ? WorkerAuthenticator.RateLimitedReason : WorkerAuthenticator.FailedReason;
        if (result == WorkerAuthResult.RateLimited)
        {
            WorkerSocketLog.RateLimited(logger, identity);
        }
        else
        {
            WorkerSocketLog.AuthenticationFailed(logger, provider, identity);
        }

        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, reason, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException)
        {
            // The client left before hearing why; nothing to do.
        }
    }

    private static string? DuplicateQueryField(IQueryCollection query) =>
        query["provider"].Count > 1 ? "provider" : query["worker_secret"].Count > 1 ? "worker_secret" : null;

    private static Task WriteTextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text);
    }
}
