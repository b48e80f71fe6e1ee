namespace RxRelay.Protocol.Tests.WebSockets;

/// <summary>Raw RFC 6455 frame bytes for the guard tests: headers in every length form, masked or not.</summary>
internal static class Frames
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    /// <summary>The header alone: the shortest length form for <paramref name="length"/>, masking key 1 2 3 4 when masked.</summary>
    public static byte[] Header(byte opcode, bool fin, long length, bool masked)
    {
        var first = (byte)((fin ? 0x80 : 0) | opcode);
        var mask = (byte)(masked ? 0x80 : 0);
        byte[] key = masked ? [1, 2, 3, 4] : [];
        return length switch
        {
            < 126 => [first, (byte)(mask | length), .. key],
            <= ushort.MaxValue => [first, (byte)(mask | 126), (byte)(length >> 8), (byte)length, .. key],
            _ => [first, (byte)(mask | 127), .. BitConverter.GetBytes(length).Reverse(), .. key],
        };
    }

    /// <summary>A whole frame: header and a payload of <paramref name="length"/> bytes.</summary>
    public static byte[] Frame(byte opcode, bool fin, int length, bool masked = false)
        => [.. Header(opcode, fin, length, masked), .. new byte[length]];
}
