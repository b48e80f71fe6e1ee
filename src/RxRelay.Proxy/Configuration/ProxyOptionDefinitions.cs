using RxRelay.Protocol.Diagnostics;

namespace RxRelay.Proxy.Configuration;

/// <summary>
/// The proxy's flags and environment variables (README.md#proxy-options: upstream's plus RxRelay extras), in
/// help order. Every <c>[default: …]</c> is built from the constant on <see cref="ProxyOptions"/>.
/// </summary>
internal static class ProxyOptionDefinitions
{
    /// <summary>All definitions; flag > environment variable > default.</summary>
    public static IReadOnlyList<OptionDefinition> All { get; } =
    [
        Text("--listen", "LISTEN_ADDR", $"Address to listen on [default: {ProxyOptions.DefaultListen}]",
            OptionValues.ListenAddress, static (o, v) => o with { Listen = v }),
        Text("--provider", "PROVIDER_NAME", $"Provider for client requests and the worker secret [default: {ProxyOptions.DefaultProvider}]",
            OptionValues.NonEmpty, static (o, v) => o with { Provider = v }),
        Text("--worker-secret", "WORKER_SECRET", "Static secret workers of --provider authenticate with",
            OptionValues.NonEmpty, static (o, v) => o with { WorkerSecret = v }),
        Number("--max-queue-len", "MAX_QUEUE_LEN", $"Maximum queued requests per provider, 0 = unlimited [default: {ProxyOptions.DefaultMaxQueueLength}]",
            static (o, v) => o with { MaxQueueLength = v == 0 ? null : v }),
        Time("--queue-timeout", "QUEUE_TIMEOUT_SECS", $"Seconds a request may wait for a worker, 0 = forever [default: {ProxyOptions.DefaultQueueTimeoutSeconds}]",
            OptionValues.Seconds, static (o, v) => o with { QueueTimeout = v }),
        Time("--request-timeout", "REQUEST_TIMEOUT_SECS", $"Seconds until response headers, 0 = no limit [default: {ProxyOptions.DefaultRequestTimeoutSeconds}]",
            OptionValues.Seconds, static (o, v) => o with { RequestTimeout = v }),
        Text("--log-level", "LOG_LEVEL", $"trace, debug, info, warn, error or off [default: {ProxyOptions.DefaultLogLevel}]",
            OptionValues.Level, static (o, v) => o with { LogLevel = v }),
        new("--log-format", "LOG_FORMAT", $"text, or json for one compact JSON object per line [default: {LogFormats.DefaultName}]",
            static (o, raw) => LogFormats.Parse(raw.Trim()) is { } v ? (o with { LogFormat = v }, null) : (null, $"'{raw}' is not one of text, json")),
        Text("--admin-token", "MODELRELAY_ADMIN_TOKEN", "Bearer token for /admin/*; unset = admin API disabled",
            OptionValues.NonEmpty, static (o, v) => o with { AdminToken = v }),
        Text("--database-url", "DATABASE_URL",
            "PostgreSQL for client API keys, shared by every proxy (postgres://user:pass@host:port/db or an Npgsql connection string); unset = keys in memory, lost on restart",
            Database.DatabaseUrl.Parse, static (o, v) => o with { DatabaseConnectionString = v }),
        new("--require-api-keys", "MODELRELAY_REQUIRE_API_KEYS", "Require a client API key on the inference routes (env: true/false)",
            static (o, raw) => Lift(OptionValues.Boolean(raw), v => o with { RequireApiKeys = v }), IsSwitch: true),
        Time("--heartbeat-interval-secs", "HEARTBEAT_INTERVAL_SECS", $"Seconds of silence before a worker is pinged [default: {ProxyOptions.DefaultHeartbeatIntervalSeconds}]",
            OptionValues.PositiveSeconds, static (o, v) => o with { HeartbeatInterval = v }),
        Time("--heartbeat-timeout-secs", "HEARTBEAT_TIMEOUT_SECS", $"Seconds a pinged worker has to answer [default: {ProxyOptions.DefaultHeartbeatTimeoutSeconds}]",
            OptionValues.PositiveSeconds, static (o, v) => o with { HeartbeatTimeout = v }),
        Time("--shutdown-timeout-secs", "SHUTDOWN_TIMEOUT_SECS", $"Seconds shutdown lets in-flight requests finish [default: {ProxyOptions.DefaultShutdownTimeoutSeconds}]",
            OptionValues.Seconds, static (o, v) => o with { ShutdownTimeout = v }),
        new("--max-workers", "RXRELAY_MAX_WORKERS", $"Most worker connections at once; more get HTTP 503 [default: {ProxyOptions.DefaultMaxWorkers}]",
            static (o, raw) => Lift(OptionValues.PositiveCount(raw), v => o with { MaxWorkers = v })),
        new("--trusted-proxies", "RXRELAY_TRUSTED_PROXIES",
            "Comma-separated CIDRs/IPs of reverse proxies whose X-Forwarded-For is believed [default: none]",
            static (o, raw) => Lift(OptionValues.Networks(raw), v => o with { TrustedProxies = v })),
        new("--allow-api-key-workers", "RXRELAY_ALLOW_API_KEY_WORKERS",
            "Opt in: a client API key may register a worker, which serves only that key's requests (env: true/false)",
            static (o, raw) => Lift(OptionValues.Boolean(raw), v => o with { AllowApiKeyWorkers = v }), IsSwitch: true),
        Time("--worker-first-event-timeout-secs", "RXRELAY_WORKER_FIRST_EVENT_TIMEOUT_SECS",
            $"Seconds a worker has to start a stream before it is ejected while a peer is healthy, 0 = never [default: {ProxyOptions.DefaultWorkerFirstEventTimeoutSeconds}]",
            OptionValues.Seconds, static (o, v) => o with { WorkerFirstEventTimeout = v }),
        new("--metrics", "RXRELAY_METRICS", $"Serve Prometheus metrics on GET /metrics: on or off [default: {ProxyOptions.DefaultMetrics}]",
            static (o, raw) => Lift(OptionValues.OnOff(raw), v => o with { Metrics = v })),
        Text("--metrics-listen", "RXRELAY_METRICS_LISTEN", "Separate address that alone serves /metrics (then not on --listen) [default: none]",
            OptionValues.ListenAddress, static (o, v) => o with { MetricsListen = v }),
        .. Cluster.ClusterOptionDefinitions.All,
    ];

    private static OptionDefinition Text(
        string flag, string env, string help, Func<string, (string? Value, string? Error)> parse, Func<ProxyOptions, string, ProxyOptions> set) =>
        new(flag, env, help, (o, raw) => Lift(parse(raw), v => set(o, v)));

    private static OptionDefinition Number(string flag, string env, string help, Func<ProxyOptions, int, ProxyOptions> set) =>
        new(flag, env, help, (o, raw) => Lift(OptionValues.Count(raw), v => set(o, v)));

    private static OptionDefinition Time(
        string flag, string env, string help, Func<string, (TimeSpan? Value, string? Error)> parse, Func<ProxyOptions, TimeSpan, ProxyOptions> set) =>
        new(flag, env, help, (o, raw) => Lift(parse(raw), v => set(o, v)));

    private static (ProxyOptions?, string?) Lift<T>((T? Value, string? Error) parsed, Func<T, ProxyOptions> set)
        where T : class =>
        parsed.Value is { } v ? (set(v), null) : (null, parsed.Error);

    private static (ProxyOptions?, string?) Lift<T>((T? Value, string? Error) parsed, Func<T, ProxyOptions> set)
        where T : struct =>
        parsed.Value is { } v ? (set(v), null) : (null, parsed.Error);
}
