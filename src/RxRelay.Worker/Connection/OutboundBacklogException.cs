namespace RxRelay.Worker.Connection;

/// <summary>
/// More frames waited to be written than <see cref="OrderedOutbound"/> allows: the proxy has stopped
/// reading while it keeps sending. The session ends (the socket is dropped) and the worker reconnects.
/// </summary>
internal sealed class OutboundBacklogException : IOException
{
    public OutboundBacklogException(int limit)
        : base($"the proxy stopped reading: {limit} frames (pongs, overload answers) are waiting to be written; dropping the connection")
    {
        Limit = limit;
    }

    public OutboundBacklogException()
        : this(OrderedOutbound.DefaultMaxQueuedFrames)
    {
    }

    public OutboundBacklogException(string message)
        : base(message)
    {
    }

    public OutboundBacklogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The bound that was passed.</summary>
    public int Limit { get; }
}
