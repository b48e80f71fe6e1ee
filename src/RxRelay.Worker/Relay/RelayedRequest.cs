using RxRelay.Protocol.Messages;

namespace RxRelay.Worker.Relay;

/// <summary>Why a request's backend call was cut short; the first reason wins.</summary>
internal enum AbortReason
{
    None = 0,

    /// <summary>The proxy sent <c>cancel</c>: complete with 499.</summary>
    Cancelled,

    /// <summary>The drain deadline passed: complete with 503.</summary>
    DrainTimedOut,

    /// <summary>The session is gone: complete with nothing (there is no socket to write to).</summary>
    SessionDisposed,
}

/// <summary>
/// One request in flight: its cancellation and the reason it was aborted. The session's lock guards
/// <see cref="TryAbort"/> and removal, so the reason read at removal is final and the token source is
/// never cancelled after it is disposed.
/// </summary>
internal sealed class RelayedRequest : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private int _abortReason;

    public RelayedRequest(WorkerRequest request, CancellationToken sessionToken)
    {
        Request = request;
        // Linked to the session so disposing the session aborts every backend call at once.
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(sessionToken);
    }

    public WorkerRequest Request { get; }

    public string Id => Request.RequestId;

    /// <summary>Cancels the backend call, its body reads and its pending sends.</summary>
    public CancellationToken Token => _cancellation.Token;

    public AbortReason AbortReason => (AbortReason)Volatile.Read(ref _abortReason);

    /// <summary>True once the request was aborted for any reason, including session disposal.</summary>
    public bool IsAborted => AbortReason != AbortReason.None || _cancellation.IsCancellationRequested;

    /// <summary>Records <paramref name="reason"/> unless another came first, then cancels the backend call.</summary>
    public bool TryAbort(AbortReason reason)
    {
        if (Interlocked.CompareExchange(ref _abortReason, (int)reason, (int)AbortReason.None) != (int)AbortReason.None)
        {
            return false;
        }

        // Cancelling tears down the backend connection: the backend sees it closed right away.
        _cancellation.Cancel();
        return true;
    }

    public void Dispose() => _cancellation.Dispose();
}

/// <summary>A send to the proxy failed for a reason other than the request's own cancellation: the socket is gone.</summary>
internal sealed class OutboundClosedException(Exception inner)
    : Exception("the worker's outbound socket is gone", inner);
