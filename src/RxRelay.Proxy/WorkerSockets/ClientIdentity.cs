using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// The rate-limit key of a caller (docs/protocol.md#auth-rate-limit): its address as the connection shows it.
/// <c>X-Forwarded-For</c> is read only when the connection comes from a configured trusted proxy, and then, as
/// ASP.NET Core's forwarded headers do, from the right: each hop added by a trusted proxy is skipped and the
/// first untrusted address is the client. IPv6 callers are keyed by their /64, which one host can fill at will.
/// </summary>
/// <remarks>
/// Upstream keys on the raw <c>Forwarded</c> header, else the first <c>X-Forwarded-For</c> item, else one
/// shared <c>unknown-client</c> bucket: any caller could pick its key (rotating the header to guess without
/// limit) and every direct caller shared one bucket (one attacker locked out every correct worker).
/// </remarks>
internal static class ClientIdentity
{
    /// <summary>The key when the connection has no remote address (in-memory test servers).</summary>
    public const string Unknown = "unknown-client";

    /// <summary>Hops of <c>X-Forwarded-For</c> read at most; a longer chain stops at the last one read.</summary>
    public const int MaxForwardedHops = 16;

    /// <summary>The key of <paramref name="context"/>'s caller.</summary>
    public static string From(HttpContext context, IReadOnlyList<IPNetwork> trustedProxies)
    {
        ArgumentNullException.ThrowIfNull(context);
        var remote = context.Connection.RemoteIpAddress;
        return remote is null ? Unknown : Key(Resolve(Normalize(remote), context.Request.Headers, trustedProxies));
    }

    /// <summary>The client address behind <paramref name="remote"/>, believing forwarding headers only from trusted proxies.</summary>
    public static IPAddress Resolve(IPAddress remote, IHeaderDictionary headers, IReadOnlyList<IPNetwork> trustedProxies)
    {
        var client = remote;
        if (!IsTrusted(client, trustedProxies) || !headers.TryGetValue("X-Forwarded-For", out var values))
        {
            return client;
        }

        var hops = values.SelectMany(v => (v ?? string.Empty).Split(',')).ToArray();
        for (var i = hops.Length - 1; i >= 0 && i >= hops.Length - MaxForwardedHops; i--)
        {
            // A hop that is not an address ends the walk, as ASP.NET Core's middleware does.
            if (!IPAddress.TryParse(hops[i].Trim(), out var hop))
            {
                break;
            }

            client = Normalize(hop);
            if (!IsTrusted(client, trustedProxies))
            {
                break;
            }
        }

        return client;
    }

    /// <summary>The text key of an address: IPv4 as is, IPv6 by its /64 prefix.</summary>
    public static string Key(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool IsTrusted(IPAddress address, IReadOnlyList<IPNetwork> trustedProxies)
    {
        foreach (var network in trustedProxies)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
