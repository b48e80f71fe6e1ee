using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.Admin;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Http;

/// <summary>Client API key check of the inference routes when keys are required (docs/protocol.md#http-api-keys).</summary>
internal static class ClientApiKeyCheck
{
    /// <summary>The 401 body text for the failure, or null when the key is valid.</summary>
    /// <param name="headers">The request's headers; only <c>authorization</c> is read.</param>
    /// <param name="keys">The live keys.</param>
    /// <param name="keyId">The id of the valid key (the request's tenant); null on failure.</param>
    public static string? Problem(IHeaderDictionary headers, InMemoryApiKeyStore keys, out string? keyId)
    {
        keyId = null;
        if (!headers.TryGetValue("authorization", out var values) || values.Count == 0 || values[0] is not { } raw)
        {
            return "API key required";
        }

        if (!HeaderText.IsVisibleAscii(raw))
        {
            return "Invalid authorization header";
        }

        // Only a case-sensitive "Bearer " is stripped; otherwise the whole value is the key (upstream rule).
        var token = raw.StartsWith("Bearer ", StringComparison.Ordinal) ? raw["Bearer ".Length..] : raw;
        keyId = keys.Authenticate(token);
        return keyId is null ? "Invalid API key" : null;
    }

    /// <summary>401 with <c>{"error":{"type":"auth_error","message":…}}</c>.</summary>
    public static Task WriteUnauthorizedAsync(HttpContext context, string message) =>
        JsonResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "auth_error", message);
}
