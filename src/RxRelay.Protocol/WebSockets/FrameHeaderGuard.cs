namespace RxRelay.Protocol.WebSockets;

/// <summary>
/// Reads the header of every inbound WebSocket frame (RFC 6455 section 5.2) as the connection's bytes
/// pass, and skips payloads by count, so a frame's declared length is known exactly before any of its
/// payload is read. It also adds up the declared lengths of a message's frames (a text or binary frame
/// starts a message, continuation frames extend it, FIN ends it; control frames interleaved in a
/// fragmented message are not counted), so a message over its limit is known at the header of the
/// frame that takes it over. The WebSocket API shows neither frames nor their lengths; this does.
/// <para>
/// It is fed every byte the WebSocket reads, in order, from the stream under it
/// (<see cref="FrameHeaderGuardStream"/>). Its <see cref="Verdict"/> may therefore be ahead of what the
/// WebSocket has handed out: <see cref="Refuses"/> tells a reader which message it concerns, so messages
/// that came before the refused one are still delivered. Once refused it reads no further. Feeding it
/// allocates nothing and costs O(1) per payload chunk (header bytes are read one at a time, at most 14
/// per frame). The reader and the writer of the verdict are the receive loop, one read at a time.
/// </para>
/// </summary>
public sealed class FrameHeaderGuard
{
    private const int HttpHeadEndLength = 4; // CR LF CR LF
    private readonly int _maxFrameBytes;
    private readonly int _maxMessageBytes;
    private int _httpHeadMatched;
    private int _headerRead;
    private int _headerSize;
    private int _lengthEnd;
    private byte _first;
    private ulong _length;
    private long _payloadLeft;
    private long _messageBytes;
    private long _messagesEnded;
    private long _refusedMessage;
    private volatile FrameLimitVerdict _verdict;

    /// <summary>A guard for a stream that carries frames from its first byte (a server's upgraded stream).</summary>
    /// <param name="maxFrameBytes">Largest accepted frame payload, in bytes.</param>
    /// <param name="maxMessageBytes">Largest accepted message (all of its frames), in bytes.</param>
    public FrameHeaderGuard(int maxFrameBytes = WebSocketLimits.MaxFrameBytes, int maxMessageBytes = WebSocketLimits.MaxMessageBytes)
        : this(maxFrameBytes, maxMessageBytes, HttpHeadEndLength)
    {
    }

    private FrameHeaderGuard(int maxFrameBytes, int maxMessageBytes, int httpHeadMatched)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFrameBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessageBytes);
        _maxFrameBytes = maxFrameBytes;
        _maxMessageBytes = maxMessageBytes;
        _httpHeadMatched = httpHeadMatched;
    }

    /// <summary>
    /// A guard for a client's connection stream, which carries the HTTP/1.1 response to the upgrade request
    /// before the first frame: everything up to and including the blank line that ends the response head is
    /// skipped. (A response other than 101 carries no frames, and its WebSocket never reads any.)
    /// </summary>
    /// <param name="maxFrameBytes">Largest accepted frame payload, in bytes.</param>
    /// <param name="maxMessageBytes">Largest accepted message (all of its frames), in bytes.</param>
    /// <returns>A guard that starts reading frames after the response head.</returns>
    public static FrameHeaderGuard AfterHttpResponseHead(int maxFrameBytes = WebSocketLimits.MaxFrameBytes, int maxMessageBytes = WebSocketLimits.MaxMessageBytes)
        => new(maxFrameBytes, maxMessageBytes, 0);

    /// <summary>Largest accepted frame payload, in bytes.</summary>
    public int MaxFrameBytes => _maxFrameBytes;

    /// <summary>Largest accepted message (all of its frames), in bytes.</summary>
    public int MaxMessageBytes => _maxMessageBytes;

    /// <summary>Whether a frame header broke a limit, and which; once set it never changes.</summary>
    public FrameLimitVerdict Verdict => _verdict;

    /// <summary>
    /// Whether the data message with index <paramref name="messageIndex"/> (the number of text or binary
    /// messages the reader completed before it, counting from 0) is refused: the <see cref="Verdict"/> is
    /// set and concerns this message or an earlier one.
    /// </summary>
    /// <param name="messageIndex">How many whole data messages the reader received before the one it is reading.</param>
    /// <returns>True when the reader must refuse the message it is reading.</returns>
    public bool Refuses(long messageIndex) => _verdict != FrameLimitVerdict.None && messageIndex >= _refusedMessage;

    /// <summary>Reads the next bytes of the connection, in order, exactly as the WebSocket will read them.</summary>
    /// <param name="bytes">The bytes that just came in.</param>
    public void Inspect(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0 && _verdict == FrameLimitVerdict.None)
        {
            if (_httpHeadMatched < HttpHeadEndLength)
            {
                bytes = SkipHttpHead(bytes);
            }
            else if (_payloadLeft > 0)
            {
                var skip = (int)Math.Min(_payloadLeft, bytes.Length);
                _payloadLeft -= skip;
                bytes = bytes[skip..];
            }
            else
            {
                ReadHeaderByte(bytes[0]);
                bytes = bytes[1..];
            }
        }
    }

    private ReadOnlySpan<byte> SkipHttpHead(ReadOnlySpan<byte> bytes)
    {
        var at = 0;
        while (at < bytes.Length && _httpHeadMatched < HttpHeadEndLength)
        {
            var expected = _httpHeadMatched % 2 == 0 ? (byte)'\r' : (byte)'\n';
            _httpHeadMatched = bytes[at] == expected ? _httpHeadMatched + 1 : bytes[at] == '\r' ? 1 : 0;
            at++;
        }

        return bytes[at..];
    }

    private void ReadHeaderByte(byte value)
    {
        switch (_headerRead++)
        {
            case 0:
                _first = value;
                return;
            case 1:
                var length7 = value & 0x7F;
                _length = length7 < 126 ? (ulong)length7 : 0;
                _lengthEnd = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0);
                _headerSize = _lengthEnd + ((value & 0x80) != 0 ? 4 : 0); // then the masking key, if any
                break;
            default:
                if (_headerRead <= _lengthEnd)
                {
                    _length = (_length << 8) | value;
                }

                break;
        }

        if (_headerRead == _headerSize)
        {
            _headerRead = 0;
            // RFC 6455 wants the top bit clear; a set one reads as huge and is refused as such.
            _payloadLeft = _length > long.MaxValue ? long.MaxValue : (long)_length;
            OnHeader(_payloadLeft);
        }
    }

    private void OnHeader(long payloadLength)
    {
        var opcode = _first & 0x0F;
        var fin = (_first & 0x80) != 0;
        if (payloadLength > _maxFrameBytes)
        {
            Refuse(FrameLimitVerdict.FrameTooBig);
            return;
        }

        if (opcode >= 0x8)
        {
            return; // a control frame: never fragmented, and not part of the message around it
        }

        // Each frame is within the frame limit here and the sum within the message limit, so no overflow.
        _messageBytes = opcode == 0x0 ? _messageBytes + payloadLength : payloadLength;
        if (_messageBytes > _maxMessageBytes)
        {
            Refuse(FrameLimitVerdict.MessageTooBig);
        }
        else if (fin)
        {
            _messagesEnded++;
            _messageBytes = 0;
        }
    }

    private void Refuse(FrameLimitVerdict verdict)
    {
        _refusedMessage = _messagesEnded;
        _verdict = verdict;
    }
}
