using System.Security.Cryptography;
using RxRelay.Protocol.Diagnostics;

namespace RxRelay.Proxy.Monitoring;

/// <summary>
/// The <c>x-request-id</c> of an inference request: the client's own when it is sane (1–128 visible ASCII
/// characters, so it can be logged and forwarded as is), otherwise one the proxy makes.
/// </summary>
internal static class RequestIds
{
    /// <summary>The header name, in the lowercase form the worker frame uses.</summary>
    public const string Header = RequestIdNames.Header;

    /// <summary>Longest client id taken as is.</summary>
    public const int MaxLength = 128;

    /// <summary>The client's id when sane, else a new one.</summary>
    public static string Resolve(string? clientId) => IsSane(clientId) ? clientId! : Create();

    /// <summary>True for 1..<see cref="MaxLength"/> characters, each visible ASCII (0x21–0x7E).</summary>
    public static bool IsSane(string? id)
    {
        if (id is null || id.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// 128 random bits as 32 lowercase hex digits. Random rather than a counter or a clock: unique across
    /// restarts and replicas without any coordination (a collision needs about 2^64 ids).
    /// </summary>
    public static string Create()
    {
        Span<byte> bits = stackalloc byte[16];
        RandomNumberGenerator.Fill(bits);
        return Convert.ToHexStringLower(bits);
    }
}
