namespace RxRelay.IntegrationTests.Monitoring;

/// <summary>
/// Scrape tests run alone: OpenTelemetry's meter listener is process-wide and picks up every meter named
/// <c>RxRelay.Proxy</c>, so a proxy that another test class runs at the same time would add its counts to
/// the scrape. (In production there is one proxy per process.)
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsScrapeGroup
{
    public const string Name = "metrics scrape";
}
