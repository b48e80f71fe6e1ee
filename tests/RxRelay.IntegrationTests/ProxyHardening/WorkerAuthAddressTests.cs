using System.Net;
using Microsoft.Extensions.Time.Testing;
using RxRelay.IntegrationTests.Proxy;

namespace RxRelay.IntegrationTests.ProxyHardening;

/// <summary>
/// Per-address login limiting: failed worker logins are limited per connection address. The 250 ms window
/// runs on a <see cref="FakeTimeProvider"/> that never advances, so a blocked address stays blocked for the
/// whole test.
/// </summary>
public sealed class WorkerAuthAddressTests
{
    private const string Failed = "close 1008 worker authentication failed";
    private const string Limited = "close 1008 worker authentication temporarily rate limited";

    [Fact]
    public async Task Connect_AttackerAddressBlocked_LegitimateWorkerFromAnotherAddressRegistersEveryTime()
    {
        await using var proxy = await ProxyTestHost.StartAsync(time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        var outcomes = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            outcomes.Add(await HostileClients.OutcomeAsync(proxy.WorkerUri(), "guess-" + i, HostileClients.Attacker));
            outcomes.Add(await HostileClients.OutcomeAsync(proxy.WorkerUri(), ProxyTestHost.Secret, IPAddress.Loopback));
        }

        Assert.Equal([Failed, Failed, Failed, .. Enumerable.Repeat(Limited, 7)], outcomes.Where((_, i) => i % 2 == 0));
        Assert.All(outcomes.Where((_, i) => i % 2 == 1), ack => Assert.StartsWith("""{"type":"register_ack","worker_id":"worker-""", ack));
    }

    [Fact]
    public async Task Connect_RotatingForwardedForFromUntrustedPeer_GetsNoExtraGuesses()
    {
        await using var proxy = await ProxyTestHost.StartAsync(time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        var outcomes = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var headers = new Dictionary<string, string> { ["X-Forwarded-For"] = $"198.51.100.{i}", ["Forwarded"] = $"for=198.51.100.{i}" };
            outcomes.Add(await HostileClients.OutcomeAsync(proxy.WorkerUri(), "guess-" + i, IPAddress.Loopback, headers));
        }

        Assert.Equal([Failed, Failed, Failed, Limited, Limited, Limited], outcomes);
    }

    [Fact]
    public async Task Connect_TrustedProxyForwardedFor_KeysOnTheForwardedClient()
    {
        await using var proxy = await ProxyTestHost.StartAsync(
            o => o with { TrustedProxies = [IPNetwork.Parse("127.0.0.1/32")] }, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var attacker = new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.7, 127.0.0.1" };
        var legitimate = new Dictionary<string, string> { ["X-Forwarded-For"] = "198.51.100.9" };
        var outcomes = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            outcomes.Add(await HostileClients.OutcomeAsync(proxy.WorkerUri(), "guess-" + i, IPAddress.Loopback, attacker));
        }

        var ack = await HostileClients.OutcomeAsync(proxy.WorkerUri(), ProxyTestHost.Secret, IPAddress.Loopback, legitimate);

        Assert.Equal([Failed, Failed, Failed, Limited], outcomes);
        Assert.StartsWith("""{"type":"register_ack","worker_id":"worker-1""", ack);
    }

    [Fact]
    public async Task Connect_ManyFailuresWithHugeForwardedFor_OneBoundedLogLinePerWindow()
    {
        var logs = new FakeLogCollector();
        await using var proxy = await ProxyTestHost.StartAsync(time: new FakeTimeProvider(DateTimeOffset.UtcNow), logs: logs);
        var headers = new Dictionary<string, string> { ["X-Forwarded-For"] = new string('9', 30_000) };
        for (var i = 0; i < 20; i++)
        {
            await HostileClients.OutcomeAsync(proxy.WorkerUri(Uri.EscapeDataString("p\r\n[00:00:00 INF] forged")), "guess-" + i, IPAddress.Loopback, headers);
        }

        var line = Assert.Single(logs.Lines, l => l.EventId is 102 or 103);
        Assert.Equal(
            "worker authentication failed provider=p\\r\\n[00:00:00 INF] forged client=127.0.0.1 suppressed=0 (failures of this client not logged in the previous 10s window)",
            line.Message);
    }
}
