using Microsoft.AspNetCore.Http;

namespace RxRelay.Proxy.Http;

/// <summary>
/// The answer to a request body Kestrel refused while it was being read: a body arriving under the
/// minimum data rate (408), or malformed framing (400). JSON in the API's error shape
/// (<c>{"error":{"type":…,"message":…}}</c>), never an empty 200.
/// </summary>
internal static class BodyReadErrors
{
    /// <summary>Error type of a body that arrived too slowly.</summary>
    public const string TimeoutType = "request_timeout";

    /// <summary>Message of a body that arrived too slowly.</summary>
    public const string TimeoutMessage = "the request body arrived too slowly";

    /// <summary>Error type of any other unreadable body.</summary>
    public const string InvalidType = "invalid_request_error";

    /// <summary>Message of any other unreadable body.</summary>
    public const string InvalidMessage = "the request body could not be read";

    /// <summary>Writes the error; a client already gone is not an error here (there is nobody to answer).</summary>
    public static async Task WriteAsync(HttpContext context, BadHttpRequestException error)
    {
        var timedOut = error.StatusCode == StatusCodes.Status408RequestTimeout;
        var status = timedOut ? StatusCodes.Status408RequestTimeout : StatusCodes.Status400BadRequest;
        try
        {
            await JsonResponses.WriteErrorAsync(
                context, status, timedOut ? TimeoutType : InvalidType, timedOut ? TimeoutMessage : InvalidMessage);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is gone or the response already started: nothing more can be said.
        }
    }
}
