using System.Net;
using RxRelay.Protocol.Diagnostics;

namespace RxRelay.Proxy.Configuration;

/// <summary>
/// Everything the proxy is configured with (README.md#proxy-options: upstream's flags plus RxRelay's heartbeat
/// and shutdown extras). Each user-facing default is a constant here, read by its property and by the help text.
/// Built once at start-up by <see cref="ProxyOptionsParser"/> and never mutated afterwards.
/// </summary>
public sealed record ProxyOptions
{
    /// <summary>Default of <see cref="Listen"/>.</summary>
    public const string DefaultListen = "127.0.0.1:8080";

    /// <summary>Default of <see cref="Provider"/>.</summary>
    public const string DefaultProvider = "local";

    /// <summary>Default of <see cref="MaxQueueLength"/>.</summary>
    public const int DefaultMaxQueueLength = 100;

    /// <summary>Default of <see cref="QueueTimeout"/>, in seconds.</summary>
    public const int DefaultQueueTimeoutSeconds = 30;

    /// <summary>Default of <see cref="RequestTimeout"/>, in seconds.</summary>
    public const int DefaultRequestTimeoutSeconds = 300;

    /// <summary>Default of <see cref="LogLevel"/>.</summary>
    public const string DefaultLogLevel = "info";

    /// <summary>Default of <see cref="HeartbeatInterval"/>, in seconds.</summary>
    public const int DefaultHeartbeatIntervalSeconds = 30;

    /// <summary>Default of <see cref="HeartbeatTimeout"/>, in seconds.</summary>
    public const int DefaultHeartbeatTimeoutSeconds = 10;

    /// <summary>Default of <see cref="ShutdownTimeout"/>, in seconds.</summary>
    public const int DefaultShutdownTimeoutSeconds = 30;

    /// <summary>Default of <see cref="MaxWorkers"/>.</summary>
    public const int DefaultMaxWorkers = 1024;

    /// <summary>Default of <see cref="RequestEventCapacity"/>, also the dispatch core's own default.</summary>
    public const int DefaultRequestEventCapacity = 256;

    /// <summary>Default of <see cref="WorkerFirstEventTimeout"/>, in seconds.</summary>
    public const int DefaultWorkerFirstEventTimeoutSeconds = 10;

    /// <summary>Default of <see cref="Metrics"/>, as the flag spells it.</summary>
    public const string DefaultMetrics = "on";

    /// <summary>Address Kestrel binds, <c>host:port</c> (<c>--listen</c> / <c>LISTEN_ADDR</c>). Port 0 picks a free port.</summary>
    public string Listen { get; init; } = DefaultListen;

    /// <summary>Provider that HTTP requests are submitted under and that <see cref="WorkerSecret"/> authenticates (<c>--provider</c>).</summary>
    public string Provider { get; init; } = DefaultProvider;

    /// <summary>Static worker secret for <see cref="Provider"/>; null means workers can only use API keys.</summary>
    public string? WorkerSecret { get; init; }

    /// <summary>
    /// Maximum queued requests per provider; null = unlimited (what <c>--max-queue-len 0</c> means, as
    /// upstream's CLI). 0 = never queue (reject at once when no worker has room): upstream's library value
    /// that its CLI cannot express; only reachable by building options in code (tests).
    /// </summary>
    public int? MaxQueueLength { get; init; } = DefaultMaxQueueLength;

    /// <summary>How long a request may wait in the queue; <see cref="TimeSpan.Zero"/> means forever.</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(DefaultQueueTimeoutSeconds);

    /// <summary>Time until response headers must be produced (408 otherwise); <see cref="TimeSpan.Zero"/> disables it.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(DefaultRequestTimeoutSeconds);

    /// <summary>Minimum log level: <c>trace</c>, <c>debug</c>, <c>info</c>, <c>warn</c>, <c>error</c> or <c>off</c>.</summary>
    public string LogLevel { get; init; } = DefaultLogLevel;

    /// <summary>How log lines are written to stdout: <see cref="LogFormat.Text"/> (the default) or one compact JSON object per line.</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>Token for <c>/admin/*</c>; null makes every admin call answer 403.</summary>
    public string? AdminToken { get; init; }

    /// <summary>Whether the inference routes require a client API key.</summary>
    public bool RequireApiKeys { get; init; }

    /// <summary>Silence (in either direction) after which the proxy pings a worker. Upstream: the same default, inbound only.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(DefaultHeartbeatIntervalSeconds);

    /// <summary>How long a pinged worker has to send anything before it is removed.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(DefaultHeartbeatTimeoutSeconds);

    /// <summary>How long shutdown lets in-flight requests finish before failing them.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(DefaultShutdownTimeoutSeconds);

    /// <summary>How long a worker has after the handshake to send <c>register</c> (upstream waits forever).</summary>
    public TimeSpan RegistrationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Outbound frames buffered per worker socket beyond two per slot it registered (<see cref="WorkerSockets.WorkerSocketOutbox.CapacityFor"/>);
    /// a full queue means the worker stopped reading.
    /// </summary>
    public int WorkerOutboundCapacity { get; init; } = 1024;

    /// <summary>Chunks buffered per in-flight request; a full buffer means the client stopped reading (the worker gets a cancel).</summary>
    public int RequestEventCapacity { get; init; } = DefaultRequestEventCapacity;

    /// <summary>Longest a single write to a streaming client may block before the connection is cut.</summary>
    public TimeSpan ClientStallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most worker sockets open at once (<c>--max-workers</c> / <c>RXRELAY_MAX_WORKERS</c>); one more
    /// connect is refused with HTTP 503 before the WebSocket is accepted. Upstream has no cap.
    /// </summary>
    public int MaxWorkers { get; init; } = DefaultMaxWorkers;

    /// <summary>
    /// Networks of reverse proxies whose <c>X-Forwarded-For</c> is believed (<c>--trusted-proxies</c> /
    /// <c>RXRELAY_TRUSTED_PROXIES</c>), as ASP.NET Core's forwarded-headers <c>KnownNetworks</c>. Empty (the
    /// default): the client is always the connection's remote address and forwarding headers are ignored.
    /// </summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = Array.Empty<IPNetwork>();

    /// <summary>
    /// Whether a client API key may open a worker socket (<c>--allow-api-key-workers</c> /
    /// <c>RXRELAY_ALLOW_API_KEY_WORKERS</c>). Off (the default): only <see cref="WorkerSecret"/> registers
    /// workers and a key is refused like a wrong secret. On: a worker registered with key K is a tenant
    /// worker that serves only requests authenticated by K. Upstream accepts any key, for every request.
    /// </summary>
    public bool AllowApiKeyWorkers { get; init; }

    /// <summary>
    /// How long a worker has to send the first event of a streaming request before it is ejected as an
    /// outlier while another worker for the model is healthy (<c>--worker-first-event-timeout-secs</c> /
    /// <c>RXRELAY_WORKER_FIRST_EVENT_TIMEOUT_SECS</c>, docs/protocol.md#outlier-ejection);
    /// <see cref="TimeSpan.Zero"/> turns ejection off. Upstream has no such rule.
    /// </summary>
    public TimeSpan WorkerFirstEventTimeout { get; init; } = TimeSpan.FromSeconds(DefaultWorkerFirstEventTimeoutSeconds);

    /// <summary>
    /// Npgsql connection string of the database that holds client API keys (<c>--database-url</c> /
    /// <c>DATABASE_URL</c>, read by <see cref="Database.DatabaseUrl"/>); null = keys in memory, lost on restart.
    /// </summary>
    public string? DatabaseConnectionString { get; init; }

    /// <summary>
    /// Whether <c>GET /metrics</c> serves Prometheus text (<c>--metrics on|off</c> / <c>RXRELAY_METRICS</c>).
    /// Off: no exporter is attached, so recording costs next to nothing, and <c>/metrics</c> is 404. RxRelay only.
    /// </summary>
    public bool Metrics { get; init; } = DefaultMetrics == "on";

    /// <summary>
    /// A separate <c>host:port</c> that alone serves <c>/metrics</c> (<c>--metrics-listen</c> /
    /// <c>RXRELAY_METRICS_LISTEN</c>), keeping metrics off the client API port; null (the default) serves
    /// them on <see cref="Listen"/>. RxRelay only.
    /// </summary>
    public string? MetricsListen { get; init; }

    /// <summary>
    /// Cluster mode (<c>--peer-listen</c>, <c>--peer-url</c>, <c>--peer-secret</c>, <c>--replica-id</c>); off by
    /// default, and then nothing of it runs. RxRelay only.
    /// </summary>
    public Cluster.ClusterOptions Cluster { get; init; } = new();

    /// <summary>Options that are fine alone but not together, as one error line; null when none.</summary>
    public string? CombinationError()
    {
        if (MetricsListen is { } metricsListen && !Metrics)
        {
            return $"error: --metrics-listen / RXRELAY_METRICS_LISTEN ('{metricsListen}') needs --metrics on";
        }

        if (MetricsListen is { } same && string.Equals(same, Listen, StringComparison.OrdinalIgnoreCase) && !same.EndsWith(":0", StringComparison.Ordinal))
        {
            return $"error: --metrics-listen / RXRELAY_METRICS_LISTEN ('{same}') must differ from --listen / LISTEN_ADDR";
        }

        return null;
    }

    /// <summary>
    /// What is wrong with the durations, one line each (empty when nothing): each must lie in
    /// 0..<see cref="OptionValues.MaxSeconds"/> seconds, as the parser enforces for flags, so options
    /// built in code cannot reach .NET's timer limits either (a longer timer throws on first use).
    /// </summary>
    public IReadOnlyList<string> DurationErrors()
    {
        var errors = new List<string>();
        Check(nameof(QueueTimeout), QueueTimeout);
        Check(nameof(RequestTimeout), RequestTimeout);
        Check(nameof(HeartbeatInterval), HeartbeatInterval);
        Check(nameof(HeartbeatTimeout), HeartbeatTimeout);
        Check(nameof(ShutdownTimeout), ShutdownTimeout);
        Check(nameof(RegistrationTimeout), RegistrationTimeout);
        Check(nameof(ClientStallTimeout), ClientStallTimeout);
        Check(nameof(WorkerFirstEventTimeout), WorkerFirstEventTimeout);
        return errors;

        void Check(string name, TimeSpan value)
        {
            if (value < TimeSpan.Zero || value > TimeSpan.FromSeconds(OptionValues.MaxSeconds))
            {
                errors.Add($"{name} is {value.TotalSeconds} s; it must be between 0 and {OptionValues.MaxSeconds} s");
            }
        }
    }
}
