namespace RxRelay.Protocol.WebSockets;

/// <summary>What a <see cref="FrameHeaderGuard"/> concluded from the frame headers it has read.</summary>
public enum FrameLimitVerdict
{
    /// <summary>Every frame header so far is within the limits.</summary>
    None = 0,

    /// <summary>A frame header declared a payload over the frame limit.</summary>
    FrameTooBig,

    /// <summary>A frame header took its message's declared size (all of its frames so far) over the message limit.</summary>
    MessageTooBig,
}
