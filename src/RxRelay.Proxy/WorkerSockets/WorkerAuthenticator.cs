using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.Admin;
using RxRelay.Proxy.Configuration;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>Outcome of a worker's authentication attempt (docs/protocol.md#auth).</summary>
internal enum WorkerAuthResult
{
    /// <summary>Authenticated under the requested provider.</summary>
    Accepted,

    /// <summary>Bad, missing or unknown credentials: close 1008 <c>worker authentication failed</c>.</summary>
    Failed,

    /// <summary>The client identity is blocked: close 1008 <c>worker authentication temporarily rate limited</c>.</summary>
    RateLimited,
}

/// <summary>Decides whether a connecting worker may register, exactly in upstream's order (docs/protocol.md#auth).</summary>
internal sealed class WorkerAuthenticator(ProxyOptions options, InMemoryApiKeyStore keys, AuthRateLimiter limiter)
{
    /// <summary>Close reason for bad credentials.</summary>
    public const string FailedReason = "worker authentication failed";

    /// <summary>Close reason while the client identity is blocked.</summary>
    public const string RateLimitedReason = "worker authentication temporarily rate limited";

    /// <summary>Authenticates a connection for <paramref name="provider"/> from <paramref name="identity"/>.</summary>
    public WorkerAuthResult Authenticate(IHeaderDictionary headers, IQueryCollection query, string provider, string identity)
    {
        if (limiter.IsBlocked(identity))
        {
            return WorkerAuthResult.RateLimited;
        }

        // Upstream does not count a missing secret as a failure; kept for compatibility.
        if (PresentedSecret(headers, query) is not { } secret)
        {
            return WorkerAuthResult.Failed;
        }

        if (MatchesStaticSecret(provider, secret) || keys.Validate(secret))
        {
            limiter.RecordSuccess(identity);
            return WorkerAuthResult.Accepted;
        }

        limiter.RecordFailure(identity);
        return WorkerAuthResult.Failed;
    }

    /// <summary>The <c>x-worker-secret</c> header when it is visible ASCII, else the <c>worker_secret</c> query value.</summary>
    public static string? PresentedSecret(IHeaderDictionary headers, IQueryCollection query)
    {
        if (headers.TryGetValue("x-worker-secret", out var values) && values.Count > 0 && values[0] is { } header && HeaderText.IsVisibleAscii(header))
        {
            return header;
        }

        return query.TryGetValue("worker_secret", out var fromQuery) && fromQuery.Count > 0 ? fromQuery[0] : null;
    }

    private bool MatchesStaticSecret(string provider, string secret)
    {
        if (options.WorkerSecret is not { } expected || !string.Equals(provider, options.Provider, StringComparison.Ordinal))
        {
            return false;
        }

        // Constant time for equal lengths; a length difference short-circuits, as upstream's compare does.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(expected));
    }
}
