using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.ApiKeys;
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

    /// <summary>
    /// The secret could only be a client API key and the key store could not answer (database down, key
    /// not cached): close 1011 <c>worker authentication unavailable</c>; not counted as a failure.
    /// </summary>
    Unavailable,
}

/// <summary>The outcome of <see cref="WorkerAuthenticator.AuthenticateAsync"/>.</summary>
/// <param name="Result">Accepted, refused, or why not.</param>
/// <param name="Tenant">
/// On acceptance by a client API key, that key's id: the worker then serves only requests authenticated
/// by the same key (docs/protocol.md#auth). Null for the static secret (the worker serves everyone) and on failure.
/// </param>
internal readonly record struct WorkerAuthOutcome(WorkerAuthResult Result, string? Tenant = null);

/// <summary>Decides whether a connecting worker may register, exactly in upstream's order (docs/protocol.md#auth).</summary>
internal sealed class WorkerAuthenticator(ProxyOptions options, IApiKeyStore keys, AuthRateLimiter limiter)
{
    /// <summary>Close reason for bad credentials.</summary>
    public const string FailedReason = "worker authentication failed";

    /// <summary>Close reason while the client identity is blocked.</summary>
    public const string RateLimitedReason = "worker authentication temporarily rate limited";

    /// <summary>Close reason (with 1011) when the key store could not answer.</summary>
    public const string UnavailableReason = "worker authentication unavailable";

    /// <summary>Authenticates a connection for <paramref name="provider"/> from <paramref name="identity"/>.</summary>
    public async ValueTask<WorkerAuthOutcome> AuthenticateAsync(
        IHeaderDictionary headers, IQueryCollection query, string provider, string identity, CancellationToken cancellationToken)
    {
        if (limiter.IsBlocked(identity))
        {
            return new(WorkerAuthResult.RateLimited);
        }

        // Upstream does not count a missing secret as a failure; kept for compatibility.
        if (PresentedSecret(headers, query) is not { } secret)
        {
            return new(WorkerAuthResult.Failed);
        }

        if (MatchesStaticSecret(provider, secret))
        {
            limiter.RecordSuccess(identity);
            return new(WorkerAuthResult.Accepted);
        }

        // Upstream lets any client key register a worker that then receives every client's prompts. RxRelay
        // only looks at keys when the operator opted in, so by default a key is just a wrong secret (counted).
        if (options.AllowApiKeyWorkers)
        {
            var lookup = await keys.AuthenticateAsync(secret, cancellationToken);
            if (lookup.Status == ApiKeyLookupStatus.Valid)
            {
                limiter.RecordSuccess(identity);
                return new(WorkerAuthResult.Accepted, lookup.KeyId);
            }

            if (lookup.Status == ApiKeyLookupStatus.Unavailable)
            {
                return new(WorkerAuthResult.Unavailable);
            }
        }

        limiter.RecordFailure(identity);
        return new(WorkerAuthResult.Failed);
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
