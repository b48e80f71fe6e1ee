using System.Globalization;
using System.Net;

namespace RxRelay.EchoBackend;

/// <summary>
/// Where the echo backend listens: an IP address (or <c>localhost</c>, read as 127.0.0.1 so that
/// port 0 works) and a port, 0 meaning "any free port".
/// </summary>
internal sealed record ListenAddress(IPAddress Address, int Port)
{
    /// <summary>The upstream-compatible default, <c>127.0.0.1:8000</c>, where the worker's default <c>--backend-url</c> points.</summary>
    public static ListenAddress Default { get; } = new(IPAddress.Loopback, 8000);

    /// <summary>127.0.0.1 on a free port: what tests use.</summary>
    public static ListenAddress LoopbackAnyPort { get; } = new(IPAddress.Loopback, 0);

    /// <summary>The "expected …" half of the error line for a bad <c>--listen</c>.</summary>
    public const string Expectation = "expected host:port with an IP address or localhost and a port from 0 to 65535, e.g. 127.0.0.1:8000 or [::1]:0";

    /// <summary>Parses <c>host:port</c>; IPv6 hosts go in brackets. Returns null when malformed.</summary>
    public static ListenAddress? TryParse(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            return null;
        }

        var host = value[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            // An unbracketed IPv6 address makes the port ambiguous.
            return null;
        }

        var portText = value[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            return null;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new ListenAddress(IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var address) ? new ListenAddress(address, port) : null;
    }

    /// <inheritdoc />
    public override string ToString()
        => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{Address}]:{Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{Address}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
