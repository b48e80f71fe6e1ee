using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using RxRelay.IntegrationTests.Proxy;

namespace RxRelay.IntegrationTests.Monitoring;

/// <summary><c>GET /metrics</c> on a real proxy after real traffic: content, promtool, and where it is served.</summary>
[Collection(MetricsScrapeGroup.Name)]
public sealed class MetricsEndpointTests
{
    private static readonly string[] Families =
    [
        "rxrelay_requests_total", "rxrelay_request_duration_seconds", "rxrelay_time_to_first_byte_seconds",
        "rxrelay_queue_wait_seconds", "rxrelay_queue_depth", "rxrelay_requests_in_flight", "rxrelay_workers",
        "rxrelay_worker_slots", "rxrelay_worker_sessions_total",
    ];

    [PromtoolFact]
    public async Task Scrape_AfterTraffic_EveryFamilyPresentAndPromtoolFindsNoProblemInRxrelayFamilies()
    {
        await using var rig = await RelayRig.StartAsync();
        using var client = rig.Proxy.CreateClient();
        (await RelayRig.ChatAsync(client)).Dispose();
        using (var streamed = await RelayRig.ChatAsync(client, stream: true))
        {
            await streamed.Content.ReadAsStringAsync();
        }

        var body = await ScrapeAsync(client);

        foreach (var family in Families)
        {
            Assert.Matches($"(?m)^# TYPE {family} ", body);
        }

        Assert.Matches("""(?m)^rxrelay_requests_total\{[^}]*endpoint="/v1/chat/completions",model="echo",outcome="ok",stream="false"\} 1$""", body);
        Assert.Matches("""(?m)^rxrelay_requests_total\{[^}]*endpoint="/v1/chat/completions",model="echo",outcome="ok",stream="true"\} 1$""", body);
        Assert.Matches("""(?m)^rxrelay_request_duration_seconds_bucket\{[^}]*le="300"[^}]*\} 1""", body);
        Assert.Matches("""(?m)^rxrelay_worker_sessions_total\{[^}]*event="registered"[^}]*\} 1""", body);
        Assert.Matches("""(?m)^kestrel_active_connections""", body); // Kestrel's own meter
        Assert.DoesNotMatch("""(?m)^http_server_request_duration""", body); // ASP.NET Core's per-request meter: left out (its cost)
        Assert.Matches("""(?m)^dotnet_gc_""", body); // the runtime's
        var (exitCode, output) = await Promtool.CheckMetricsAsync(body);
        var ours = output.Split('\n').Where(line => line.Contains("rxrelay", StringComparison.Ordinal)).ToList();
        Assert.True(ours.Count == 0, $"promtool on rxrelay_* families:\n{string.Join('\n', ours)}");
        // promtool exits 3 for lint findings; today they are only on the runtime's own instruments
        // (dotnet_assembly_count, dotnet_process_cpu_count, dotnet_timer_count: "_count" on a gauge), names
        // .NET chooses. A parse error would say "error while linting" and fail here.
        Assert.DoesNotContain("error while linting", output, StringComparison.Ordinal);
        Assert.True(exitCode is 0 or 3, $"promtool exit {exitCode}: {output}");
    }

    [Fact]
    public async Task Scrape_MetricsOff_NotFound()
    {
        await using var proxy = await ProxyTestHost.StartAsync(o => o with { Metrics = false });
        using var client = proxy.CreateClient();

        using var response = await client.GetAsync("/metrics");

        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task Scrape_MetricsListen_ServedThereOnlyAndApiPortAnswers404()
    {
        await using var proxy = await ProxyTestHost.StartAsync(o => o with { MetricsListen = "127.0.0.1:0" });
        var addresses = proxy.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var metricsBase = new Uri(addresses.Single(a => new Uri(a).Port != proxy.Port));
        using var api = proxy.CreateClient();
        using var metrics = new HttpClient { BaseAddress = metricsBase, Timeout = TimeSpan.FromSeconds(30) };

        using var onApi = await api.GetAsync("/metrics");
        var body = await ScrapeAsync(metrics);
        using var healthOnMetrics = await metrics.GetAsync("/health");
        using var healthOnApi = await api.GetAsync("/health");

        Assert.Equal(404, (int)onApi.StatusCode);
        Assert.Matches("(?m)^# TYPE rxrelay_workers gauge", body);
        Assert.Equal(404, (int)healthOnMetrics.StatusCode);
        Assert.Equal(200, (int)healthOnApi.StatusCode);
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }
}
