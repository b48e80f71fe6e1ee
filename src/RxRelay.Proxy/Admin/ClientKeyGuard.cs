using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Http;

namespace RxRelay.Proxy.Admin;

/// <summary>
/// Puts <see cref="CredentialGuard"/> in front of the inference routes when client API keys are required:
/// a blocked address gets 429 before its key is looked at, and every 401 the route answers counts as a
/// failed guess of that address. Kept outside the route so the route's own key check stays as upstream's.
/// </summary>
internal static class ClientKeyGuard
{
    /// <summary>Surface name in the guard's log lines.</summary>
    public const string Surface = "client api key";

    /// <summary>Error type of the 429, in the inference routes' error shape.</summary>
    public const string TooManyAttemptsType = "rate_limit_error";

    /// <summary>Message of the 429.</summary>
    public const string TooManyAttemptsMessage = "too many failed authentication attempts";

    /// <summary>Adds the guard; a no-op unless <see cref="ProxyOptions.RequireApiKeys"/>.</summary>
    public static IApplicationBuilder UseClientKeyGuard(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<ProxyOptions>();
        if (!options.RequireApiKeys)
        {
            return app;
        }

        var guard = app.ApplicationServices.GetRequiredService<CredentialGuard>();
        var paths = new HashSet<string>(InferenceEndpoint.Paths, StringComparer.Ordinal);
        return app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || !paths.Contains(context.Request.Path.Value ?? string.Empty))
            {
                await next(context);
                return;
            }

            var identity = guard.IdentityOf(context);
            if (guard.IsBlocked(identity, Surface))
            {
                context.Response.Headers.RetryAfter = "1";
                await JsonResponses.WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, TooManyAttemptsType, TooManyAttemptsMessage);
                return;
            }

            await next(context);
            if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
            {
                guard.Failed(identity, Surface);
            }
        });
    }
}
