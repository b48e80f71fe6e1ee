using System.Globalization;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// The proxy's command line (README.md#proxy-options: upstream's flags plus the heartbeat and shutdown
/// extras), test defaults.
/// </summary>
internal sealed record ProxySettings
{
    public const string Secret = "top-secret";

    public int Port { get; init; }

    public string? WorkerSecret { get; init; } = Secret;

    public string? AdminToken { get; init; }

    public int? MaxQueueLen { get; init; }

    public int? QueueTimeoutSecs { get; init; }

    public int? RequestTimeoutSecs { get; init; }

    public TimeSpan HeartbeatInterval { get; init; } = Bounds.HeartbeatInterval;

    public TimeSpan HeartbeatTimeout { get; init; } = Bounds.HeartbeatTimeout;

    public int ShutdownTimeoutSecs { get; init; } = 5;

    public bool RequireApiKeys { get; init; }

    public bool AllowApiKeyWorkers { get; init; }

    public IEnumerable<string> ToArguments()
    {
        yield return "--listen";
        yield return $"127.0.0.1:{Port}";
        yield return "--log-level";
        yield return "debug";
        yield return "--heartbeat-interval-secs";
        yield return Seconds(HeartbeatInterval);
        yield return "--heartbeat-timeout-secs";
        yield return Seconds(HeartbeatTimeout);
        yield return "--shutdown-timeout-secs";
        yield return ShutdownTimeoutSecs.ToString(CultureInfo.InvariantCulture);
        if (WorkerSecret is not null)
        {
            yield return "--worker-secret";
            yield return WorkerSecret;
        }

        if (AdminToken is not null)
        {
            yield return "--admin-token";
            yield return AdminToken;
        }

        if (MaxQueueLen is { } maxQueueLen)
        {
            yield return "--max-queue-len";
            yield return maxQueueLen.ToString(CultureInfo.InvariantCulture);
        }

        if (QueueTimeoutSecs is { } queueTimeout)
        {
            yield return "--queue-timeout";
            yield return queueTimeout.ToString(CultureInfo.InvariantCulture);
        }

        if (RequestTimeoutSecs is { } requestTimeout)
        {
            yield return "--request-timeout";
            yield return requestTimeout.ToString(CultureInfo.InvariantCulture);
        }

        if (RequireApiKeys)
        {
            yield return "--require-api-keys";
        }

        if (AllowApiKeyWorkers)
        {
            yield return "--allow-api-key-workers";
        }
    }

    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
