using System.Globalization;

namespace RxRelay.Worker.Configuration;

/// <summary>How a setting's text is read and checked.</summary>
internal enum SettingKind
{
    /// <summary>A TOML string; flag and env text taken as-is.</summary>
    Text,

    /// <summary>A TOML integer; flag and env text parsed as an unsigned 32-bit integer.</summary>
    Integer,

    /// <summary>A TOML integer or float; flag and env text parsed as fractional seconds.</summary>
    Seconds,

    /// <summary>A TOML array of strings (used as-is); flag and env text comma-split, trimmed, empties dropped.</summary>
    List,
}

/// <summary>
/// One worker setting and the three names it answers to. The names follow upstream
/// <c>modelrelay-worker</c> (README.md#worker-options) exactly; the help text and every error message are
/// built from this one table, and each default text from the constant on <see cref="WorkerOptions"/>, so
/// they cannot drift apart.
/// </summary>
internal sealed record WorkerSetting(
    string Flag,
    string EnvVar,
    string TomlKey,
    string ValueName,
    SettingKind Kind,
    string DefaultText,
    string Description)
{
    /// <summary>How an error names a value given by flag or env, e.g. <c>--max-concurrency (MAX_CONCURRENCY)</c>.</summary>
    public string FlagAndEnv => $"{Flag} ({EnvVar})";
}

/// <summary>The table of every worker setting, in help-text order.</summary>
internal static class WorkerSettings
{
    public static readonly WorkerSetting ProxyUrl = new(
        "--proxy-url", "PROXY_URL", "proxy_url", "URL", SettingKind.Text, WorkerOptions.DefaultProxyUrl,
        "Proxy base URL (http, https, ws or wss); http becomes ws and https becomes wss.");

    public static readonly WorkerSetting Provider = new(
        "--provider", "PROVIDER_NAME", "provider", "NAME", SettingKind.Text, WorkerOptions.DefaultProvider,
        "Provider to register under; letters, digits, '.', '_', '~', '-'.");

    public static readonly WorkerSetting WorkerSecret = new(
        "--worker-secret", "WORKER_SECRET", "worker_secret", "SECRET", SettingKind.Text, "required",
        "Secret sent as the x-worker-secret header.");

    public static readonly WorkerSetting WorkerName = new(
        "--worker-name", "WORKER_NAME", "worker_name", "NAME", SettingKind.Text, WorkerOptions.DefaultWorkerName,
        "Name this worker registers with.");

    public static readonly WorkerSetting Models = new(
        "--models", "MODELS", "models", "LIST", SettingKind.List, WorkerOptions.DefaultModel,
        "Comma-separated models served ('*' asks the backend's /v1/models at start-up).");

    public static readonly WorkerSetting MaxConcurrency = new(
        "--max-concurrency", "MAX_CONCURRENCY", "max_concurrency", "N", SettingKind.Integer, Text(WorkerOptions.DefaultMaxConcurrency),
        "Requests run at once (at least 1); advertised to the proxy and enforced locally.");

    public static readonly WorkerSetting BackendUrl = new(
        "--backend-url", "BACKEND_URL", "backend_url", "URL", SettingKind.Text, WorkerOptions.DefaultBackendUrl,
        "Local inference backend base URL (http or https).");

    public static readonly WorkerSetting LogLevel = new(
        "--log-level", "LOG_LEVEL", "log_level", "LEVEL", SettingKind.Text, WorkerOptions.DefaultLogLevel,
        "trace, debug, info, warn or error (RUST_LOG is ignored).");

    public static readonly WorkerSetting IdleTimeoutSecs = new(
        "--idle-timeout-secs", "IDLE_TIMEOUT_SECS", "idle_timeout_secs", "SECS", SettingKind.Seconds, Seconds(WorkerOptions.DefaultIdleTimeout),
        "Seconds without any frame from the proxy before the connection is presumed dead (> 0, fractional allowed).");

    public static readonly WorkerSetting ShutdownTimeoutSecs = new(
        "--shutdown-timeout-secs", "SHUTDOWN_TIMEOUT_SECS", "shutdown_timeout_secs", "SECS", SettingKind.Seconds, Seconds(WorkerOptions.DefaultShutdownTimeout),
        "Seconds a stop waits for in-flight requests (>= 0, fractional allowed).");

    public static readonly WorkerSetting ExtraEndpointPaths = new(
        "--extra-endpoint-paths", "EXTRA_ENDPOINT_PATHS", "extra_endpoint_paths", "LIST", SettingKind.List, "none",
        "Comma-separated extra inference paths to allow, each starting with /v1/.");

    public static readonly WorkerSetting LogFormat = new(
        "--log-format", "LOG_FORMAT", "log_format", "FORMAT", SettingKind.Text, Protocol.Diagnostics.LogFormats.DefaultName,
        "text (readable lines) or json (one compact JSON object per line on stdout).");

    public static readonly WorkerSetting MetricsListen = new(
        "--metrics-listen", "RXRELAY_METRICS_LISTEN", "metrics_listen", "ADDR", SettingKind.Text, "none",
        "IP:port to serve Prometheus metrics on at /metrics, e.g. 127.0.0.1:9465 (unset: no port is opened).");

    /// <summary>Every setting, in the order the help text lists them.</summary>
    public static readonly IReadOnlyList<WorkerSetting> All =
    [
        ProxyUrl, Provider, WorkerSecret, WorkerName, Models, MaxConcurrency, BackendUrl, LogLevel, LogFormat,
        IdleTimeoutSecs, ShutdownTimeoutSecs, ExtraEndpointPaths, MetricsListen,
    ];

    private static string Text(uint value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString(CultureInfo.InvariantCulture);
}
