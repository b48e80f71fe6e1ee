using Microsoft.AspNetCore.Http;

namespace RxRelay.Proxy.Http;

/// <summary>
/// CORS as upstream's permissive tower-http layer behaves (docs/protocol.md#http-cors): every OPTIONS request, on any
/// path, is answered 200 with the allow headers; every other response carries
/// <c>access-control-allow-origin: *</c> and the <c>vary</c> list. No credentials, max-age or expose-headers.
/// </summary>
internal static class CorsMiddleware
{
    /// <summary>The exact <c>vary</c> value upstream sends.</summary>
    public const string Vary = "origin, access-control-request-method, access-control-request-headers";

    /// <summary>
    /// True for a response header this layer owns: a worker's (backend's) value of it is dropped, so the
    /// proxy's replaces it, as upstream's CORS layer overwrites the inner response's. Without that, a backend
    /// that sets its own (llama.cpp and vLLM do) gives the client two values, which browsers reject.
    /// <c>vary</c> is not owned: upstream appends its list to the backend's.
    /// </summary>
    public static bool Owns(string headerName)
        => string.Equals(headerName, "access-control-allow-origin", StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds the middleware; put it first so even 404/405/503 responses carry the headers.</summary>
    public static IApplicationBuilder UseUpstreamCors(this IApplicationBuilder app) => app.Use(InvokeAsync);

    private static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.Vary = Vary;
        if (!HttpMethods.IsOptions(context.Request.Method))
        {
            return next(context);
        }

        headers.AccessControlAllowMethods = "*";
        headers.AccessControlAllowHeaders = "*";
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}
