using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Http;

namespace RxRelay.Proxy.Monitoring;

/// <summary>
/// Starts a <see cref="RequestObservation"/> for every <c>POST</c> to an inference route, ahead of the
/// API-key guard so its 429s are counted too: resolves the <c>x-request-id</c> and sets it on the response
/// at once (every answer carries it), opens the logging scope, and finishes the observation when the
/// request is done, however it ended.
/// </summary>
internal static class RequestObservationMiddleware
{
    /// <summary>Adds the middleware; place it before anything that may answer an inference request.</summary>
    public static IApplicationBuilder UseRequestObservation(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        var metrics = services.GetRequiredService<ProxyMetrics>();
        var time = services.GetRequiredService<TimeProvider>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var accessLog = loggers.CreateLogger(AccessLog.Category);
        var scopes = loggers.CreateLogger("RxRelay.Proxy.Http");
        return app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || InferenceEndpoint.PathOf(context.Request.Path) is not { } endpoint)
            {
                await next(context);
                return;
            }

            var id = RequestIds.Resolve(context.Request.Headers[RequestIds.Header] is { Count: 1 } given ? given[0] : null);
            context.Response.Headers[RequestIds.Header] = id;
            var observation = new RequestObservation(metrics, time, id, endpoint);
            context.Features.Set(observation);
            using (scopes.BeginScope(observation))
            {
                try
                {
                    await next(context);
                }
                finally
                {
                    observation.Finish(context, accessLog);
                }
            }
        });
    }
}
