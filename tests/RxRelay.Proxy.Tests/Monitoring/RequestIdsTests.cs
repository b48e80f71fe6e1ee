using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.Http;
using RxRelay.Proxy.Monitoring;

namespace RxRelay.Proxy.Tests.Monitoring;

public sealed class RequestIdsTests
{
    [Theory]
    [InlineData("abc-123")]
    [InlineData("!~")]
    public void Resolve_SaneClientId_KeptAsIs(string id) => Assert.Equal(id, RequestIds.Resolve(id));

    [Fact]
    public void Resolve_128VisibleCharacters_Kept() => Assert.Equal(new string('a', 128), RequestIds.Resolve(new string('a', 128)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("caf\u00e9")]
    public void Resolve_InsaneClientId_Replaced(string? id)
    {
        var resolved = RequestIds.Resolve(id);

        Assert.NotEqual(id, resolved);
        Assert.Matches("^[0-9a-f]{32}$", resolved);
    }

    [Fact]
    public void Resolve_129Characters_Replaced() => Assert.Matches("^[0-9a-f]{32}$", RequestIds.Resolve(new string('a', 129)));

    [Fact]
    public void Create_ManyIds_AllDistinct()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => RequestIds.Create()).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(10_000, ids.Count);
    }

    [Fact]
    public void WorkerHeaderForwarding_RequestIdGiven_ReplacesTheClientsHeader()
    {
        var headers = new HeaderDictionary
        {
            ["X-Request-Id"] = "client-sent",
            ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        };

        var forwarded = WorkerHeaderForwarding.From(headers, "proxy-made");

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                ["x-request-id"] = "proxy-made",
            },
            forwarded);
    }
}
