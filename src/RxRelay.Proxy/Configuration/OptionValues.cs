using System.Globalization;
using System.Net;

namespace RxRelay.Proxy.Configuration;

/// <summary>Parsers for the value kinds the proxy's options use; each returns null and an error text on failure.</summary>
internal static class OptionValues
{
    private static readonly string[] LogLevels = ["trace", "debug", "info", "warn", "error", "off"];

    /// <summary>
    /// Longest accepted duration. .NET timers (<c>CancelAfter</c>, <c>ITimer.Change</c>, <c>Task.Delay</c>) refuse
    /// more than 2^32-2 ms (49.7 days), and the host's stop budget adds a few seconds to the shutdown timeout,
    /// so anything longer would only fail later, per request, as a 500. Upstream takes any u64.
    /// </summary>
    public const int MaxSeconds = 4_000_000;

    /// <summary>A number of seconds in 0..<see cref="MaxSeconds"/>, fractions allowed (upstream takes whole seconds only).</summary>
    public static (TimeSpan? Value, string? Error) Seconds(string raw)
    {
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0)
        {
            return (null, $"'{raw}' is not a non-negative number of seconds");
        }

        if (seconds > MaxSeconds)
        {
            return (null, $"'{raw}' is more than {MaxSeconds} seconds (about 46 days)");
        }

        return (TimeSpan.FromSeconds(seconds), null);
    }

    /// <summary>A strictly positive number of seconds (heartbeat intervals cannot be zero).</summary>
    public static (TimeSpan? Value, string? Error) PositiveSeconds(string raw)
    {
        var (value, error) = Seconds(raw);
        return value is { } v && v <= TimeSpan.Zero ? (null, $"'{raw}' must be greater than 0 seconds") : (value, error);
    }

    /// <summary>A non-negative 32-bit integer.</summary>
    public static (int? Value, string? Error) Count(string raw) =>
        int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? (n, null)
            : (null, $"'{raw}' is not a non-negative integer");

    /// <summary>A strictly positive 32-bit integer.</summary>
    public static (int? Value, string? Error) PositiveCount(string raw) =>
        int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? (n, null)
            : (null, $"'{raw}' is not a positive integer");

    /// <summary>
    /// A comma-separated list of networks: CIDRs (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) or single addresses
    /// (taken as /32 or /128). Every bad item is named in the one error.
    /// </summary>
    public static (IReadOnlyList<IPNetwork>? Value, string? Error) Networks(string raw)
    {
        var networks = new List<IPNetwork>();
        var bad = new List<string>();
        foreach (var item in raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (IPNetwork.TryParse(item, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(item, out var address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                bad.Add($"'{item}'");
            }
        }

        if (bad.Count > 0)
        {
            return (null, $"{string.Join(", ", bad)} {(bad.Count == 1 ? "is not a CIDR" : "are not CIDRs")} like 10.0.0.0/8 or an IP address");
        }

        return networks.Count == 0 ? (null, "must name at least one CIDR or IP address") : (networks, null);
    }

    /// <summary><c>true</c> or <c>false</c>, as clap's boolean parser takes them.</summary>
    public static (bool? Value, string? Error) Boolean(string raw) => raw switch
    {
        "true" => (true, null),
        "false" => (false, null),
        _ => (null, $"'{raw}' is not 'true' or 'false'"),
    };

    /// <summary><c>on</c> or <c>off</c>.</summary>
    public static (bool? Value, string? Error) OnOff(string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "on" => (true, null),
        "off" => (false, null),
        _ => (null, $"'{raw}' is not 'on' or 'off'"),
    };

    /// <summary>A level name (upstream also takes full tracing filter directives; RxRelay takes levels only).</summary>
    public static (string? Value, string? Error) Level(string raw)
    {
        var level = raw.Trim().ToLowerInvariant();
        return Array.IndexOf(LogLevels, level) >= 0
            ? (level, null)
            : (null, $"'{raw}' is not one of {string.Join(", ", LogLevels)}");
    }

    /// <summary><c>ip:port</c> (IPv6 in brackets) or <c>localhost:port</c>.</summary>
    public static (string? Value, string? Error) ListenAddress(string raw)
    {
        if (IPEndPoint.TryParse(raw, out var endpoint) && raw.Contains(':', StringComparison.Ordinal) && endpoint.Port <= 65535)
        {
            return (raw, null);
        }

        const string localhost = "localhost:";
        if (raw.StartsWith(localhost, StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(raw.AsSpan(localhost.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return (raw, null);
        }

        return (null, $"'{raw}' is not a socket address like 127.0.0.1:8080");
    }

    /// <summary>Any non-empty string.</summary>
    public static (string? Value, string? Error) NonEmpty(string raw) =>
        raw.Length == 0 ? (null, "must not be empty") : (raw, null);
}
