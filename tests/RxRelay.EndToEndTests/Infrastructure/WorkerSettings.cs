using System.Globalization;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// The worker's command line (README.md#worker-options: upstream's flags plus the idle and shutdown extras),
/// test defaults.
/// </summary>
internal sealed record WorkerSettings
{
    public required Uri ProxyUrl { get; init; }

    public required Uri BackendUrl { get; init; }

    public string Name { get; init; } = "worker";

    public string Secret { get; init; } = ProxySettings.Secret;

    public string Provider { get; init; } = "local";

    public IReadOnlyList<string> Models { get; init; } = ["gpt-4.1-mini"];

    public int MaxConcurrency { get; init; } = 1;

    public TimeSpan IdleTimeout { get; init; } = Bounds.IdleTimeout;

    public int ShutdownTimeoutSecs { get; init; } = 5;

    public IEnumerable<string> ToArguments() =>
    [
        "--proxy-url", ProxyUrl.ToString().TrimEnd('/'),
        "--backend-url", BackendUrl.ToString().TrimEnd('/'),
        "--worker-secret", Secret,
        "--worker-name", Name,
        "--provider", Provider,
        "--models", string.Join(',', Models),
        "--max-concurrency", MaxConcurrency.ToString(CultureInfo.InvariantCulture),
        "--idle-timeout-secs", ProxySettings.Seconds(IdleTimeout),
        "--shutdown-timeout-secs", ShutdownTimeoutSecs.ToString(CultureInfo.InvariantCulture),
        "--log-level", "debug",
    ];
}
