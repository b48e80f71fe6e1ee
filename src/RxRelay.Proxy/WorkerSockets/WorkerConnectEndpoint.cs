using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// <c>GET /v1/worker/connect</c> (docs/protocol.md#connect): authentication failures are close frames 1008 after a
/// completed handshake (101), as upstream. RxRelay additions: past <see cref="ProxyOptions.MaxWorkers"/>
/// sockets, or with too many refusals in flight, the connect gets HTTP 503 and no WebSocket; failures are
/// limited and logged per caller address (<see cref="ClientIdentity"/>). An authenticated socket becomes a
/// <see cref="WorkerSocketSession"/>.
/// </summary>
internal sealed class WorkerConnectEndpoint(
    WorkerAuthenticator authenticator,
    Dispatcher dispatcher,
    ProxyOptions options,
    WorkerConnectionSlots slots,
    FailureLogThrottle failureLog,
    TimeProvider time,
    Monitoring.ProxyMetrics metrics,
    ILogger<WorkerConnectEndpoint> logger)
{
    /// <summary>The route.</summary>
    public const string Path = "/v1/worker/connect";

    /// <summary>Provider used when the query has none.</summary>
    public const string DefaultProvider = "local";

    /// <summary>The 503 body when the worker cap is reached.</summary>
    public const string TooManyWorkersText = "worker connection limit reached";

    /// <summary>The 503 body when too many refused connects are in flight.</summary>
    public const string TooManyRefusalsText = "too many unauthenticated worker connections in flight";

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
        var identity = ClientIdentity.From(context, options.TrustedProxies);
        var (result, tenant) = await authenticator.AuthenticateAsync(context.Request.Headers, context.Request.Query, provider, identity, context.RequestAborted);
        using var slot = result == WorkerAuthResult.Accepted ? slots.TryEnterWorker() : slots.TryEnterUnauthenticated();
        if (slot is null)
        {
            await RefuseAsync(context, result);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(
            new WebSocketAcceptContext { DangerousEnableCompression = false, KeepAliveInterval = TimeSpan.Zero });
        if (result != WorkerAuthResult.Accepted)
        {
            await RejectAsync(socket, result, provider, identity);
            return;
        }

        var guard = (context.Features.Get<IHttpUpgradeFeature>() as FrameGuardUpgradeFeature)?.Guard;
        var session = new WorkerSocketSession(socket, provider, dispatcher, options, time, logger, guard, metrics) { Tenant = tenant };
        await session.RunAsync(context.RequestAborted);
    }

    private Task RefuseAsync(HttpContext context, WorkerAuthResult result)
    {
        if (result == WorkerAuthResult.Accepted)
        {
            WorkerSocketLog.TooManyWorkers(logger, slots.Workers, options.MaxWorkers);
        }

        context.Response.Headers.RetryAfter = "1";
        return WriteTextAsync(
            context, StatusCodes.Status503ServiceUnavailable, result == WorkerAuthResult.Accepted ? TooManyWorkersText : TooManyRefusalsText);
    }

    private async Task RejectAsync(WebSocket socket, WorkerAuthResult result, string provider, string identity)
    {
        metrics.WorkerSession(Monitoring.WorkerSessionEvent.AuthFailure);
        var (status, reason) = result switch
        {
            WorkerAuthResult.RateLimited => (WebSocketCloseStatus.PolicyViolation, WorkerAuthenticator.RateLimitedReason),
            WorkerAuthResult.Unavailable => (WebSocketCloseStatus.InternalServerError, WorkerAuthenticator.UnavailableReason),
            _ => (WebSocketCloseStatus.PolicyViolation, WorkerAuthenticator.FailedReason),
        };
        // An unavailable key store is the database's outage, logged once there; not this caller's failure.
        if (result != WorkerAuthResult.Unavailable && failureLog.ShouldLog(identity, out var logIdentity, out var suppressed))
        {
            if (result == WorkerAuthResult.RateLimited)
            {
                WorkerSocketLog.RateLimited(logger, logIdentity, suppressed);
            }
            else
            {
                WorkerSocketLog.AuthenticationFailed(logger, provider, logIdentity, suppressed);
            }
        }

        try
        {
            await socket.CloseOutputAsync(status, reason, CancellationToken.None);
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
