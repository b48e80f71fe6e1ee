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

    [Theory]
    [InlineData("Authorization", "Bearer mr_live_AbCdEfGhIjKlMnOpQrStUvWxYz012345")]
    [InlineData("Authorization", "mr_live_AbCdEfGhIjKlMnOpQrStUvWxYz012345")]
    [InlineData("Authorization", "bearer  mr_live_AbCdEfGhIjKlMnOpQrStUvWxYz012345")]
    [InlineData("X-Api-Key", "mr_live_AbCdEfGhIjKlMnOpQrStUvWxYz012345")]
    public void From_ProxyClientApiKey_IsNotForwarded(string name, string value)
    {
        var headers = new HeaderDictionary { [name] = value, ["X-Trace-Id"] = "trace-123" };

        Assert.Equal(new Dictionary<string, string> { ["x-trace-id"] = "trace-123" }, WorkerHeaderForwarding.From(headers));
    }

    [Fact]
    public void From_BackendCredentials_AreStillForwarded()
    {
        var headers = new HeaderDictionary { ["Authorization"] = "Bearer sk-backend", ["X-Api-Key"] = "sk-ant-backend" };

        Assert.Equal(
            new Dictionary<string, string> { ["authorization"] = "Bearer sk-backend", ["x-api-key"] = "sk-ant-backend" },
            WorkerHeaderForwarding.From(headers));
    }
}
