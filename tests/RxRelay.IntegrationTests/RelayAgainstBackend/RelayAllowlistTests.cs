using Microsoft.Extensions.Logging;
using RxRelay.Worker.Relay;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>
/// docs/differences-from-upstream.md#worker-endpoint-allowlist: a path outside the allowlist is answered 400
/// and never fetched.
/// </summary>
public sealed class RelayAllowlistTests
{
    [Theory]
    [InlineData("/admin")]
    [InlineData("/v1/chat/completions/../x")]
    [InlineData("@evil.com/v1/chat/completions")]
    [InlineData("//evil.com/x")]
    [InlineData("/v1/models")]
    public async Task Start_PathOutsideAllowlist_400AndNeverFetched(string path)
    {
        await using var backend = await ReferenceBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.Start(RelaySut.Request("request-1", path));
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");
        await sut.Session.DrainAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        FrameText.AssertEqual(RelayErrors.PathNotAllowed("request-1", path), completion);
        Assert.Equal("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"endpoint path '" + path + "' is not allowed\"}}", completion.Body);
        Assert.Empty(backend.Calls);
        Assert.Single(sut.Outbound.Messages);
    }

    [Fact]
    public async Task Start_PathOutsideAllowlist_LogsTheRejectionOnly_NeverARelayLine()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        var logger = new FakeLogger<BackendRelaySession>();
        await using var sut = RelaySut.Create(backend.Url, loggerFactory: new SingleLoggerFactory(logger));

        sut.Session.Start(RelaySut.Request("request-1", "/admin"));
        await sut.Outbound.WaitForCompletionAsync("request-1");
        await sut.Session.DrainAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Contains(new LogLine(LogLevel.Warning, 2102, "request request-1 rejected: endpoint path '/admin' is not allowed"), logger.Lines);
        Assert.DoesNotContain(logger.Lines, line => line.EventId == 2100);
    }

    [Fact]
    public async Task Start_AllowedPath_LogsTheRelayLineAtDebug()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        var logger = new FakeLogger<BackendRelaySession>();
        await using var sut = RelaySut.Create(backend.Url, loggerFactory: new SingleLoggerFactory(logger));

        sut.Session.Start(RelaySut.Request("request-1", "/v1/chat/completions"));
        await sut.Outbound.WaitForCompletionAsync("request-1");

        var line = Assert.Single(logger.Lines, line => line.EventId == 2100);
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.StartsWith("relaying request request-1 to /v1/chat/completions (streaming=False): ", line.Message, StringComparison.Ordinal);
    }
}
