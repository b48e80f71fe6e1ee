using System.Threading.Channels;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// An accepted request, as the HTTP handler sees it. Read <see cref="Events"/> until it completes
/// (any number of chunks, then exactly one terminal event). If the client goes away first, call
/// <c>Dispatcher.Cancel(RequestId, CancelReason.ClientDisconnect)</c>.
/// </summary>
/// <param name="RequestId">The id, <c>request-N</c>, also sent to the worker.</param>
/// <param name="Events">
/// The bounded event stream of this request; single reader. Reading frees buffer space; a reader that
/// falls too far behind gets <see cref="DispatchFailureKind.ClientTooSlow"/>.
/// </param>
internal sealed record RequestHandle(string RequestId, ChannelReader<RequestEvent> Events);
