using System.Text;
using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.WorkerBackendRelay;

/// <summary>Headers and bodies across a real HTTP hop (reference 4.4, 11.16).</summary>
public sealed class RelayHeaderTests
{
    [Fact]
    public async Task Start_HopByHopRequestHeaders_NotSentAndAcceptEncodingReplaced()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);
        var headers = new Dictionary<string, string>
        {
            ["content-type"] = "application/json", ["x-trace-id"] = "trace-123",
            ["host"] = "proxy.example", ["content-length"] = "999", ["connection"] = "close",
            ["keep-alive"] = "timeout=5", ["te"] = "trailers", ["transfer-encoding"] = "chunked",
            ["upgrade"] = "h2c", ["expect"] = "100-continue", ["trailer"] = "x-sum",
            ["proxy-authorization"] = "Basic abc", ["accept-encoding"] = "identity",
        };
        const string body = """{"model":"gpt-4.1-mini"}""";

        sut.Session.Start(RelaySut.Request("request-1", "/v1/messages", body: body, headers: headers));
        await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["accept-encoding"] = "gzip, deflate, br",
                ["content-length"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["content-type"] = "application/json",
                ["host"] = new Uri(backend.Url).Authority,
                ["x-trace-id"] = "trace-123",
            },
            Assert.Single(backend.Calls).Headers);
    }

    [Fact]
    public async Task Start_NonAsciiBodyWithoutContentType_ByteIdenticalAsApplicationJson()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);
        const string body = "{\"messages\":[{\"content\":\"caf\u00e9 \U0001F642 \\u00e9\"}],  \"x\" : 1}";

        sut.Session.Start(RelaySut.Request("request-1", "/v1/messages", body: body, headers: new Dictionary<string, string>()));
        await sut.Outbound.WaitForCompletionAsync("request-1");

        var received = Assert.Single(backend.Calls);
        Assert.Equal(Encoding.UTF8.GetBytes(body), received.BodyBytes);
        Assert.Equal("application/json", received.Headers["content-type"]);
    }

    [Fact]
    public async Task Start_RepeatedResponseHeaders_CombinedNotCollapsed()
    {
        await using var backend = await ScriptedBackend.StartAsync(async context =>
        {
            context.Response.Headers.Append("set-cookie", "a=1; Path=/");
            context.Response.Headers.Append("set-cookie", "b=2; Path=/");
            context.Response.Headers.Append("x-multi", "one");
            context.Response.Headers.Append("x-multi", "two");
            context.Response.Headers.Date = ReferenceBackend.FixedDate;
            await ReferenceBackend.WriteAsync(context.Response, 200, "application/json", "{}");
        });
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.Start(RelaySut.Request("request-1"));
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal(
            "{content-type: application/json, date: Tue, 24 Nov 2026 00:00:00 GMT, set-cookie: a=1; Path=/, b=2; Path=/, x-multi: one, two}",
            Frames.Describe(completion.Headers));
    }
}
