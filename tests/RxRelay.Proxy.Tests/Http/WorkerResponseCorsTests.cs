using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Http;

namespace RxRelay.Proxy.Tests.Http;

/// <summary>CORS replacement: the proxy's CORS header replaces a backend's own.</summary>
public sealed class WorkerResponseCorsTests
{
    [Fact]
    public async Task WriteAsync_BackendSetsItsOwnAllowOrigin_TheProxysValueIsTheOnlyOne()
    {
        var context = CreateContextAfterCors();
        var complete = new ResponseComplete("req-1", 200, new Dictionary<string, string>
        {
            ["access-control-allow-origin"] = "http://app.example",
            ["content-type"] = "application/json",
        }, "{}");

        await WorkerResponseWriter.WriteAsync(context, complete);

        Assert.Equal(new StringValues("*"), context.Response.Headers.AccessControlAllowOrigin);
        Assert.Equal(new StringValues("application/json"), context.Response.Headers.ContentType);
    }

    [Fact]
    public async Task WriteAsync_BackendSetsAllowOriginInAnotherCase_TheProxysValueIsTheOnlyOne()
    {
        var context = CreateContextAfterCors();
        var complete = new ResponseComplete("req-1", 400, new Dictionary<string, string> { ["Access-Control-Allow-Origin"] = "*" }, "{}");

        await WorkerResponseWriter.WriteAsync(context, complete);

        Assert.Equal(new StringValues("*"), context.Response.Headers.AccessControlAllowOrigin);
    }

    [Fact]
    public async Task WriteAsync_BackendSetsVary_ItIsAppendedToTheProxysList()
    {
        var context = CreateContextAfterCors();
        var complete = new ResponseComplete("req-1", 200, new Dictionary<string, string> { ["vary"] = "accept-encoding" }, "{}");

        await WorkerResponseWriter.WriteAsync(context, complete);

        Assert.Equal(new StringValues([CorsMiddleware.Vary, "accept-encoding"]), context.Response.Headers.Vary);
    }

    // What the CORS middleware has set by the time the endpoint writes the worker's answer.
    private static DefaultHttpContext CreateContextAfterCors()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        context.Response.Headers.AccessControlAllowOrigin = "*";
        context.Response.Headers.Vary = CorsMiddleware.Vary;
        return context;
    }
}
