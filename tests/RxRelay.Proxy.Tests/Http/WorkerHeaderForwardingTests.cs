using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using RxRelay.Proxy.Http;

namespace RxRelay.Proxy.Tests.Http;

public sealed class WorkerHeaderForwardingTests
{
    [Fact]
    public void From_UpstreamPinnedExample_KeepsAuthorizationContentTypeAndTrace()
    {
        var headers = new HeaderDictionary
        {
            ["Host"] = "127.0.0.1", ["Content-Type"] = "application/json", ["Content-Length"] = "12", ["Connection"] = "close",
            ["Authorization"] = "Bearer test-token", ["X-Trace-Id"] = "trace-123",
        };

        Assert.Equal(
            new Dictionary<string, string> { ["authorization"] = "Bearer test-token", ["content-type"] = "application/json", ["x-trace-id"] = "trace-123" },
            WorkerHeaderForwarding.From(headers));
    }

    [Fact]
    public void From_RepeatedHeaderAndInvisibleValues_KeepsLastVisibleValue()
    {
        var headers = new HeaderDictionary
        {
            ["X-Multi"] = new StringValues(["first", "second", "bad\u00e9"]),
            ["X-Only-Bad"] = "caf\u00e9",
        };

        Assert.Equal(new Dictionary<string, string> { ["x-multi"] = "second" }, WorkerHeaderForwarding.From(headers));
    }
}
