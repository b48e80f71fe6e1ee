using System.Text;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>
/// Bodies across a real HTTP hop (docs/protocol.md#http-backend,
/// docs/differences-from-upstream.md#worker-header-filter). The header rules themselves are unit-tested
/// (HeaderFilterTests); their wiring through the whole worker is one test per direction in
/// WorkerAgainstFakeProxy (WorkerRelayForwardingTests, WorkerRelayAnswerTests).
/// </summary>
public sealed class RelayHeaderTests
{
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
}
