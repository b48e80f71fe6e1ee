using System.Net;
using RxRelay.Protocol.Diagnostics;
using RxRelay.Reactive;

namespace RxRelay.Worker.Configuration;

/// <summary>
/// Everything the worker is configured with. Names, defaults and precedence follow upstream
/// <c>modelrelay-worker</c> (README.md#worker-options): flag &gt; environment variable &gt; TOML file &gt; default.
/// Built once at start-up by <c>WorkerOptionsLoader</c> and never mutated afterwards. Each default is a
/// constant here, read by the property below and by the help text (<c>WorkerSettings</c>).
/// </summary>
public sealed record WorkerOptions
{
    /// <summary>Default of <see cref="ProxyUrl"/>.</summary>
    public const string DefaultProxyUrl = "http://127.0.0.1:8080";

    /// <summary>Default of <see cref="Provider"/>.</summary>
    public const string DefaultProvider = "local";

    /// <summary>Default of <see cref="WorkerName"/>.</summary>
    public const string DefaultWorkerName = "worker";

    /// <summary>The one model of the default <see cref="Models"/> list.</summary>
    public const string DefaultModel = "default";

    /// <summary>Default of <see cref="MaxConcurrency"/>.</summary>
    public const uint DefaultMaxConcurrency = 1;

    /// <summary>Default of <see cref="BackendUrl"/>.</summary>
    public const string DefaultBackendUrl = "http://127.0.0.1:8000";

    /// <summary>Default of <see cref="LogLevel"/>.</summary>
    public const string DefaultLogLevel = "info";

    /// <summary>Default of <see cref="IdleTimeout"/>: upstream's, owned by the idle rule.</summary>
    public static TimeSpan DefaultIdleTimeout => IdleTimeoutObservableExtensions.DefaultIdleTimeout;

    /// <summary>Default of <see cref="ShutdownTimeout"/>.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary><c>--proxy-url</c> / <c>PROXY_URL</c> / <c>proxy_url</c>; default <see cref="DefaultProxyUrl"/>.</summary>
    public string ProxyUrl { get; init; } = DefaultProxyUrl;

    /// <summary><c>--provider</c> / <c>PROVIDER_NAME</c> / <c>provider</c>; default <see cref="DefaultProvider"/>.</summary>
    public string Provider { get; init; } = DefaultProvider;

    /// <summary><c>--worker-secret</c> / <c>WORKER_SECRET</c> / <c>worker_secret</c>; required. Sent only as the <c>x-worker-secret</c> header.</summary>
    public required string WorkerSecret { get; init; }

    /// <summary><c>--worker-name</c> / <c>WORKER_NAME</c> / <c>worker_name</c>; default <see cref="DefaultWorkerName"/>.</summary>
    public string WorkerName { get; init; } = DefaultWorkerName;

    /// <summary><c>--models</c> / <c>MODELS</c> / <c>models</c>; default <c>[<see cref="DefaultModel"/>]</c>. <c>*</c> asks the backend at start-up.</summary>
    public IReadOnlyList<string> Models { get; init; } = [DefaultModel];

    /// <summary><c>--max-concurrency</c> / <c>MAX_CONCURRENCY</c> / <c>max_concurrency</c>; default <see cref="DefaultMaxConcurrency"/>. Sent as <c>max_concurrent</c> and enforced locally.</summary>
    public uint MaxConcurrency { get; init; } = DefaultMaxConcurrency;

    /// <summary><c>--backend-url</c> / <c>BACKEND_URL</c> / <c>backend_url</c>; default <see cref="DefaultBackendUrl"/>.</summary>
    public string BackendUrl { get; init; } = DefaultBackendUrl;

    /// <summary><c>--log-level</c> / <c>LOG_LEVEL</c> / <c>log_level</c>; default <see cref="DefaultLogLevel"/>.</summary>
    public string LogLevel { get; init; } = DefaultLogLevel;

    /// <summary><c>--idle-timeout-secs</c> / <c>IDLE_TIMEOUT_SECS</c> / <c>idle_timeout_secs</c>; default <see cref="DefaultIdleTimeout"/>, fractional allowed. No inbound frame for this long ends the session.</summary>
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;

    /// <summary><c>--shutdown-timeout-secs</c> / <c>SHUTDOWN_TIMEOUT_SECS</c> / <c>shutdown_timeout_secs</c>; default <see cref="DefaultShutdownTimeout"/>. How long host stop waits for in-flight requests.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    /// <summary><c>--log-format</c> / <c>LOG_FORMAT</c> / <c>log_format</c>; default <see cref="LogFormat.Text"/>.</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary><c>--metrics-listen</c> / <c>RXRELAY_METRICS_LISTEN</c> / <c>metrics_listen</c>; where <c>/metrics</c> is served, or null (the default) for no port at all.</summary>
    public IPEndPoint? MetricsListen { get; init; }

    /// <summary><c>--extra-endpoint-paths</c> / <c>EXTRA_ENDPOINT_PATHS</c> / <c>extra_endpoint_paths</c>; inference paths allowed besides the three built in.</summary>
    public IReadOnlyList<string> ExtraEndpointPaths { get; init; } = [];
}
