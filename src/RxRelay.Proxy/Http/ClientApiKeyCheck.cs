using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.ApiKeys;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Http;

/// <summary>Client API key check of the inference routes when keys are required (docs/protocol.md#http-api-keys).</summary>
internal static class ClientApiKeyCheck
{
    /// <summary>What the check decided.</summary>
    /// <param name="KeyId">The id of the valid key (the request's tenant); null otherwise.</param>
    /// <param name="Problem">The 401 body text; null when the key is valid or the store could not answer.</param>
    /// <param name="StoreUnavailable">The store could not answer for this key: upstream's 500 with an empty body.</param>
    public readonly record struct Outcome(string? KeyId, string? Problem, bool StoreUnavailable)
    {
        /// <summary>True when the request may go on under <see cref="KeyId"/>.</summary>
        public bool IsValid => KeyId is not null;
    }

    /// <summary>Checks the request's <c>authorization</c> header (the only one read) against <paramref name="keys"/>.</summary>
    public static async ValueTask<Outcome> CheckAsync(IHeaderDictionary headers, IApiKeyStore keys, CancellationToken cancellationToken)
    {
        if (!headers.TryGetValue("authorization", out var values) || values.Count == 0 || values[0] is not { } raw)
        {
            return new(null, "API key required", false);
        }

        if (!HeaderText.IsVisibleAscii(raw))
        {
            return new(null, "Invalid authorization header", false);
        }

        // Only a case-sensitive "Bearer " is stripped; otherwise the whole value is the key (upstream rule).
        var token = raw.StartsWith("Bearer ", StringComparison.Ordinal) ? raw["Bearer ".Length..] : raw;
        var lookup = await keys.AuthenticateAsync(token, cancellationToken);
        return lookup.Status switch
        {
            ApiKeyLookupStatus.Valid => new(lookup.KeyId, null, false),
            ApiKeyLookupStatus.Unavailable => new(null, null, true),
            _ => new(null, "Invalid API key", false),
        };
    }

    /// <summary>Writes the refusal: 500 empty when the store could not answer, else 401 with <c>{"error":{"type":"auth_error","message":…}}</c>.</summary>
    public static Task WriteRefusalAsync(HttpContext context, Outcome outcome)
    {
        if (outcome.StoreUnavailable)
        {
            PlainTextResponses.Empty(context, StatusCodes.Status500InternalServerError);
            return Task.CompletedTask;
        }

        return JsonResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "auth_error", outcome.Problem!);
    }
}
