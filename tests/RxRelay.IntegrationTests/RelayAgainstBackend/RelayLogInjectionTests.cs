using Microsoft.Extensions.Logging;
using RxRelay.Worker.Relay;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>
/// Log injection: an <c>endpoint_path</c> chosen by a hostile proxy cannot forge log lines.
/// </summary>
public sealed class RelayLogInjectionTests
{
    [Fact]
    public async Task Start_PathWithCrLf_IsLoggedEscapedOnOneLine()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        var logger = new FakeLogger<BackendRelaySession>();
        await using var sut = RelaySut.Create(backend.Url, loggerFactory: new SingleLoggerFactory(logger));

        sut.Session.Start(RelaySut.Request("request-1", "/admin\r\n[12:00:00 INF] forged line"));
        await sut.Outbound.WaitForCompletionAsync("request-1");
        await sut.Session.DrainAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        var line = Assert.Single(logger.Lines, l => l.EventId == 2102);
        Assert.Equal("request request-1 rejected: endpoint path '/admin\\r\\n[12:00:00 INF] forged line' is not allowed", line.Message);
    }

    [Fact]
    public async Task Start_LongPath_IsLoggedCutWithAMarker()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        var logger = new FakeLogger<BackendRelaySession>();
        await using var sut = RelaySut.Create(backend.Url, loggerFactory: new SingleLoggerFactory(logger));

        sut.Session.Start(RelaySut.Request("request-1", "/" + new string('a', 29_999)));
        await sut.Outbound.WaitForCompletionAsync("request-1");
        await sut.Session.DrainAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        var line = Assert.Single(logger.Lines, l => l.EventId == 2102);
        Assert.Equal("request request-1 rejected: endpoint path '/" + new string('a', 255) + "…[+29744 chars]' is not allowed", line.Message);
    }
}
