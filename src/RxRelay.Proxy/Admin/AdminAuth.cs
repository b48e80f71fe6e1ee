using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Admin;

/// <summary>
/// The admin token check (docs/protocol.md#http-admin): no token configured → always refused; otherwise the
/// <c>Authorization</c> value minus a leading <c>Bearer </c>, compared in constant time.
/// </summary>
internal static class AdminAuth
{
    /// <summary>True when the request carries the configured admin token.</summary>
    public static bool IsAuthorized(IHeaderDictionary headers, string? adminToken)
    {
        if (adminToken is null || !headers.TryGetValue("authorization", out var values) || values.Count == 0 || values[0] is not { } raw)
        {
            return false;
        }

        if (!HeaderText.IsVisibleAscii(raw))
        {
            return false;
        }

        var token = raw.StartsWith("Bearer ", StringComparison.Ordinal) ? raw["Bearer ".Length..] : raw;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(adminToken));
    }
}
