using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Admin;

/// <summary>
/// Limits guessing of the admin token and client API keys per caller address (upstream limits neither):
/// the worker-auth rule (<see cref="AuthRateLimiter"/>, docs/protocol.md#auth-rate-limit), a blocked
/// address gets 429 whatever it presents, and failures are logged at most once per
/// address per <see cref="FailureLogThrottle.Window"/>. A success does not clear the count, so a caller
/// holding one valid key cannot interleave it to keep guessing others.
/// </summary>
internal sealed class CredentialGuard(ProxyOptions options, TimeProvider time, ILogger<CredentialGuard> logger)
{
    private readonly AuthRateLimiter _limiter = new(time);
    private readonly FailureLogThrottle _failureLog = new(time);

    /// <summary>The caller's key (see <see cref="ClientIdentity"/>).</summary>
    public string IdentityOf(HttpContext context) => ClientIdentity.From(context, options.TrustedProxies);

    /// <summary>True when <paramref name="identity"/> may not try a credential now; counts as a logged attempt.</summary>
    public bool IsBlocked(string identity, string surface)
    {
        if (!_limiter.IsBlocked(identity))
        {
            return false;
        }

        if (_failureLog.ShouldLog(identity, out var logIdentity, out var suppressed))
        {
            CredentialLog.RateLimited(logger, surface, logIdentity, suppressed);
        }

        return true;
    }

    /// <summary>Records a wrong credential from <paramref name="identity"/> on <paramref name="surface"/>.</summary>
    public void Failed(string identity, string surface)
    {
        _limiter.RecordFailure(identity);
        if (_failureLog.ShouldLog(identity, out var logIdentity, out var suppressed))
        {
            CredentialLog.Failed(logger, surface, logIdentity, suppressed);
        }
    }

    /// <summary>429 with <c>Retry-After: 1</c> and an empty body.</summary>
    public static void WriteTooManyAttempts(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = "1";
        context.Response.ContentLength = 0;
    }
}
