using System.Text;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Tests.Relay;

public sealed class HeaderFilterTests
{
    private static Dictionary<string, string> Forwarded(Dictionary<string, string> headers)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/v1/messages")
        {
            Content = new ByteArrayContent([]),
        };
        HeaderFilter.CopyRequestHeaders(headers, message);
        return message.Headers.NonValidated.Concat(message.Content.Headers.NonValidated)
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
    }

    [Fact]
    public void CopyRequestHeaders_HopByHopAndClientComputed_NotForwarded()
    {
        var result = Forwarded(new()
        {
            ["authorization"] = "Bearer client-token",
            ["x-api-key"] = "sk-ant",
            ["anthropic-version"] = "2023-06-01",
            ["content-length"] = "12", ["connection"] = "close", ["host"] = "proxy.local",
            ["keep-alive"] = "timeout=5", ["te"] = "trailers", ["transfer-encoding"] = "chunked",
            ["upgrade"] = "websocket", ["expect"] = "100-continue", ["trailer"] = "x-sum",
            ["proxy-authorization"] = "Basic abc", ["proxy-connection"] = "keep-alive",
            ["accept-encoding"] = "gzip, br",
        });

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["authorization"] = "Bearer client-token",
                ["x-api-key"] = "sk-ant",
                ["anthropic-version"] = "2023-06-01",
            },
            result);
    }

    [Fact]
    public void CopyRequestHeaders_InvalidNamesAndValues_Skipped()
    {
        var result = Forwarded(new()
        {
            ["bad name"] = "x", ["bad:name"] = "x", [""] = "x",
            ["x-newline"] = "a\r\nx-injected: 1", ["x-unicode"] = "caf\u00e9",
            ["x-ok"] = "visible ascii\tand tab",
        });

        Assert.Equal(new Dictionary<string, string> { ["x-ok"] = "visible ascii\tand tab" }, result);
    }

    [Fact]
    public void CopyRequestHeaders_ContentHeader_PlacedOnContent()
    {
        var result = Forwarded(new() { ["content-language"] = "en" });

        Assert.Equal(new Dictionary<string, string> { ["content-language"] = "en" }, result);
    }

    [Fact]
    public void ResponseHeaders_RepeatedHeaders_CombinedInOrder()
    {
        using var response = new HttpResponseMessage { Content = new ByteArrayContent([]) };
        response.Headers.TryAddWithoutValidation("Set-Cookie", "a=1");
        response.Headers.TryAddWithoutValidation("Set-Cookie", "b=2");
        response.Headers.TryAddWithoutValidation("X-Multi", ["one", "two"]);

        var result = HeaderFilter.ResponseHeaders(response);

        Assert.Equal(new Dictionary<string, string> { ["set-cookie"] = "a=1, b=2", ["x-multi"] = "one, two" }, result);
    }

    [Fact]
    public void ResponseHeaders_FramingHeadersAndNonAsciiValues_Dropped()
    {
        using var response = new HttpResponseMessage { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}")) };
        response.Headers.TryAddWithoutValidation("Connection", "keep-alive");
        response.Headers.TryAddWithoutValidation("Transfer-Encoding", "chunked");
        response.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        response.Headers.TryAddWithoutValidation("X-Unicode", "caf\u00e9");
        response.Headers.TryAddWithoutValidation("Retry-After", "17");
        response.Content.Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
        response.Content.Headers.TryAddWithoutValidation("Content-Length", "2");
        response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");

        var result = HeaderFilter.ResponseHeaders(response);

        Assert.Equal(
            new Dictionary<string, string> { ["retry-after"] = "17", ["content-type"] = "application/json" },
            result);
    }

    [Theory]
    [InlineData("x-trace-id", true)]
    [InlineData("Anthropic-Beta", true)]
    [InlineData("TE", false)]
    [InlineData("Proxy-Authenticate", false)]
    [InlineData("x trace", false)]
    public void IsForwardable_Name_Expected(string name, bool expected)
        => Assert.Equal(expected, HeaderFilter.IsForwardable(name));
}
