namespace RxRelay.Protocol.Diagnostics;

/// <summary>
/// The names under which both programs carry a request's id (docs/differences-from-upstream.md#ops-request-id):
/// the header the proxy puts on the response and in the request frame's headers, and the structured property
/// of both programs' log lines for that request.
/// </summary>
public static class RequestIdNames
{
    /// <summary>The HTTP header, in the response and in the request frame.</summary>
    public const string Header = "x-request-id";

    /// <summary>The log property (not <c>RequestId</c>: that name is the protocol's <c>request_id</c> in existing lines).</summary>
    public const string LogProperty = "XRequestId";
}
