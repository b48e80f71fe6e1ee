namespace RxRelay.Worker.Configuration;

/// <summary>
/// Everything the worker is configured with. Names, defaults and precedence follow upstream
/// <c>modelrelay-worker</c> (reference 8.2): flag &gt; environment variable &gt; TOML file &gt; default.
/// Built once at start-up by <c>WorkerOptionsLoader</c> and never mutated afterwards.
/// </summary>
public sealed record WorkerOptions
{
    /// <summary><c>--proxy-url</c> / <c>PROXY_URL</c> / <c>proxy_url</c>; default <c>http://127.0.0.1:8080</c>.</summary>
    public string ProxyUrl { get; init; } = "http://127.0.0.1:8080";

    /// <summary><c>--provider</c> / <c>PROVIDER_NAME</c> / <c>provider</c>; default <c>local</c>.</summary>
    public string Provider { get; init; } = "local";

    /// <summary><c>--worker-secret</c> / <c>WORKER_SECRET</c> / <c>worker_secret</c>; required. Sent only as the <c>x-worker-secret</c> header.</summary>
    public required string WorkerSecret { get; init; }

    /// <summary><c>--worker-name</c> / <c>WORKER_NAME</c> / <c>worker_name</c>; default <c>worker</c>.</summary>
    public string WorkerName { get; init; } = "worker";

    /// <summary><c>--models</c> / <c>MODELS</c> / <c>models</c>; default <c>["default"]</c>. <c>*</c> asks the backend at start-up.</summary>
    public IReadOnlyList<string> Models { get; init; } = ["default"];

    /// <summary><c>--max-concurrency</c> / <c>MAX_CONCURRENCY</c> / <c>max_concurrency</c>; default 1. Sent as <c>max_concurrent</c> and enforced locally.</summary>
    public uint MaxConcurrency { get; init; } = 1;

    /// <summary><c>--backend-url</c> / <c>BACKEND_URL</c> / <c>backend_url</c>; default <c>http://127.0.0.1:8000</c>.</summary>
    public string BackendUrl { get; init; } = "http://127.0.0.1:8000";

    /// <summary><c>--log-level</c> / <c>LOG_LEVEL</c> / <c>log_level</c>; default <c>info</c>.</summary>
    public string LogLevel { get; init; } = "info";

    /// <summary><c>--idle-timeout-secs</c> / <c>IDLE_TIMEOUT_SECS</c> / <c>idle_timeout_secs</c>; default 90 s, fractional allowed. No inbound frame for this long ends the session.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary><c>--shutdown-timeout-secs</c> / <c>SHUTDOWN_TIMEOUT_SECS</c> / <c>shutdown_timeout_secs</c>; default 30 s. How long host stop waits for in-flight requests.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>--extra-endpoint-paths</c> / <c>EXTRA_ENDPOINT_PATHS</c> / <c>extra_endpoint_paths</c>; inference paths allowed besides the three built in.</summary>
    public IReadOnlyList<string> ExtraEndpointPaths { get; init; } = [];
}
