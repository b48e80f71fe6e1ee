using System.Net;
using RxRelay.Protocol.Diagnostics;

namespace RxRelay.Worker.Configuration;

/// <summary>
/// What makes a configured value acceptable. Each check returns null when the value is fine, or the
/// "expected …" half of the error line. Stricter than upstream where upstream would fail later and
/// less clearly (a bad URL at connect time, a provider that corrupts the connect query).
/// </summary>
internal static class WorkerOptionRules
{
    /// <summary>The longest accepted timeout: .NET timers cannot wait longer than about 49.7 days.</summary>
    public const double MaxSeconds = 4_294_967;

    private static readonly string[] LogLevels = ["trace", "debug", "info", "warn", "error"];

    /// <summary>The proxy may be given as http(s), which becomes ws(s), or as ws(s) directly.</summary>
    public static string? ProxyUrl(string value) => AbsoluteUrl(value, ["http", "https", "ws", "wss"], "an absolute http://, https://, ws:// or wss:// URL");

    /// <summary>The backend is called with plain HTTP requests, so a WebSocket scheme is a mistake.</summary>
    public static string? BackendUrl(string value) => AbsoluteUrl(value, ["http", "https"], "an absolute http:// or https:// URL");

    /// <summary>
    /// The provider goes unencoded into <c>?provider=</c> (upstream does the same and the proxy must
    /// read it back), so only URL-unreserved characters are safe.
    /// </summary>
    public static string? Provider(string value)
        => value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or '-')
            ? null
            : "expected a non-empty name of ASCII letters, digits, '.', '_', '~' or '-' (it is sent unencoded in the connect URL's query)";

    /// <summary>The name is shown in the proxy's admin and health views; blank would be unreadable.</summary>
    public static string? WorkerName(string value)
        => string.IsNullOrWhiteSpace(value) ? "expected a non-empty name" : null;

    /// <summary>Checked separately because the value must never be echoed into a log or error line.</summary>
    public static bool SecretIsHeaderSafe(string value) => value.All(c => c is >= ' ' and <= '~');

    /// <summary>One of the five level names, any case.</summary>
    public static string? LogLevel(string value)
        => LogLevels.Contains(value.ToLowerInvariant()) ? null : "expected one of trace, debug, info, warn, error";

    /// <summary>text or json, any case.</summary>
    public static string? LogFormat(string value) => LogFormats.Parse(value) is null ? LogFormats.Expectation : null;

    /// <summary>An IP literal and a real port: the metrics endpoint binds exactly there (0.0.0.0 or [::] for every interface).</summary>
    public static string? MetricsListen(string value) => ParseEndPoint(value) is null ? MetricsListenExpectation : null;

    /// <summary>The endpoint of an accepted <c>--metrics-listen</c> value, or null.</summary>
    public static IPEndPoint? ParseEndPoint(string? value)
        => IPEndPoint.TryParse(value ?? string.Empty, out var endPoint) && endPoint.Port > 0 ? endPoint : null;

    /// <summary>The "expected …" text for <c>--metrics-listen</c>.</summary>
    public const string MetricsListenExpectation = "expected an IP address and a port from 1 to 65535 (0.0.0.0 or [::] for every interface), e.g. 127.0.0.1:9465 or [::1]:9465";

    /// <summary>Normalises an accepted level name to lower case.</summary>
    public static string NormalizeLogLevel(string value) => value.ToLowerInvariant();

    /// <summary>A path under <c>/v1/</c> that cannot climb out of it or smuggle a query.</summary>
    public static bool ExtraEndpointPath(string value)
        => value.StartsWith("/v1/", StringComparison.Ordinal)
            && value.Length > "/v1/".Length
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '.' or '-')
            && !value.Contains("..", StringComparison.Ordinal)
            && !value.Contains("//", StringComparison.Ordinal);

    /// <summary>The "expected …" text for an extra endpoint path.</summary>
    public const string ExtraEndpointPathExpectation =
        "expected a path starting with /v1/ made of ASCII letters, digits, '/', '_', '.', '-' without '..' or '//'";

    /// <summary>The "expected …" text for a model name.</summary>
    public const string ModelExpectation = "expected a model name";

    /// <summary>The "expected …" text for a timeout in seconds.</summary>
    public static string SecondsExpectation(bool allowZero)
        => allowZero
            ? $"expected a number of seconds from 0 to {MaxSeconds}"
            : $"expected a positive number of seconds, at most {MaxSeconds}";

    /// <summary>Converts seconds to a span, or null when out of range (NaN, infinite, negative, zero when not allowed, too long).</summary>
    public static TimeSpan? SecondsToSpan(double seconds, bool allowZero)
    {
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > MaxSeconds)
        {
            return null;
        }

        var span = TimeSpan.FromSeconds(seconds);
        return span > TimeSpan.Zero || allowZero ? span : null;
    }

    private static string? AbsoluteUrl(string value, string[] schemes, string expected)
    {
        var ok = Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && schemes.Contains(uri.Scheme)
            && uri.Host.Length > 0
            && uri.Query.Length == 0
            && uri.Fragment.Length == 0
            && string.IsNullOrEmpty(uri.UserInfo);
        return ok ? null : $"expected {expected} with a host and no query, fragment or credentials";
    }
}
