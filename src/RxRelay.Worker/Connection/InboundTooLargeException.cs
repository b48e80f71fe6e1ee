using RxRelay.Protocol;

namespace RxRelay.Worker.Connection;

/// <summary>The proxy sent a frame or a message over <see cref="InboundLimits"/>; the worker closed with 1009.</summary>
internal sealed class InboundTooLargeException : IOException
{
    public InboundTooLargeException(string what, int limitBytes)
        : base($"the proxy sent a {what} over {limitBytes / WebSocketLimits.Mebibyte} MiB; closed with 1009 (message too big)")
    {
        What = what;
        LimitBytes = limitBytes;
    }

    public InboundTooLargeException()
        : this("message", InboundLimits.MaxMessageBytes)
    {
    }

    public InboundTooLargeException(string message)
        : base(message)
    {
        What = "message";
    }

    public InboundTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
        What = "message";
    }

    /// <summary><c>frame</c> or <c>message</c>.</summary>
    public string What { get; } = "message";

    /// <summary>The limit that was passed, in bytes.</summary>
    public int LimitBytes { get; }
}
