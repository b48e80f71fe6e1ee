using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// What the HTTP handler reads from <see cref="RequestHandle.Events"/>: any number of
/// <see cref="Chunk"/>s, then exactly one <see cref="Completed"/> or <see cref="Failed"/>, then the
/// channel completes.
/// </summary>
internal abstract record RequestEvent
{
    private RequestEvent()
    {
    }

    /// <summary>A <c>response_chunk</c> text, to be written to the client verbatim.</summary>
    public sealed record Chunk(string Text) : RequestEvent;

    /// <summary>The worker's <c>response_complete</c> (status, headers, body).</summary>
    public sealed record Completed(ResponseComplete Response) : RequestEvent;

    /// <summary>The request failed; see <see cref="DispatchFailure"/> for what to write.</summary>
    public sealed record Failed(DispatchFailure Failure) : RequestEvent;
}
