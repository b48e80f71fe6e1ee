using System.Security.Cryptography;
using System.Text;

namespace RxRelay.Proxy.ApiKeys;

/// <summary>Makes and hashes client API keys: <c>mr_live_</c> + 32 alphanumerics (docs/protocol.md#http-api-keys).</summary>
internal static class ApiKeyGenerator
{
    /// <summary>Every key starts with this.</summary>
    public const string KeyPrefix = "mr_live_";

    /// <summary>Characters shown and stored as the key's prefix.</summary>
    public const int PrefixLength = 16;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A new key, drawn uniformly from the 62 alphanumerics by a cryptographic RNG.</summary>
    public static string NewKey() => KeyPrefix + RandomNumberGenerator.GetString(Alphabet, 32);

    /// <summary>SHA-256 of the key's UTF-8 bytes in upper-case hex: the dictionary key of the stores and the cache.</summary>
    public static string Hash(string key) => Convert.ToHexString(HashBytes(key));

    /// <summary>SHA-256 of the key's UTF-8 bytes: what upstream's table stores in <c>hash</c>.</summary>
    public static byte[] HashBytes(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
