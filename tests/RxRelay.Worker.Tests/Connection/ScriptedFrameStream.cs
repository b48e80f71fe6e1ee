namespace RxRelay.Worker.Tests.Connection;

/// <summary>
/// The proxy's side of a WebSocket as raw bytes: serves unmasked frames (header, then a payload of 'a's
/// generated on demand, so a 300 MiB frame costs no memory here), counts the payload bytes handed out,
/// and keeps what the client wrote (its masked frames) for inspection. Ends with EOF.
/// </summary>
internal sealed class ScriptedFrameStream(params (byte Opcode, bool Fin, long Length)[] frames) : Stream
{
    private readonly MemoryStream _written = new();
    private int _frame = -1;
    private byte[] _header = [];
    private int _headerServed;
    private long _payloadLeft;

    /// <summary>Payload bytes served so far, over all frames.</summary>
    public long PayloadServed { get; private set; }

    /// <summary>The close code of the first close frame the client wrote, or null.</summary>
    public int? ClientCloseCode
    {
        get
        {
            var bytes = _written.ToArray();
            for (var at = 0; at + 8 <= bytes.Length;)
            {
                var length = bytes[at + 1] & 0x7F;
                var mask = bytes.AsSpan(at + 2, 4);
                if ((bytes[at] & 0x0F) == 0x8)
                    return ((bytes[at + 6] ^ mask[0]) << 8) | (bytes[at + 7] ^ mask[1]);
                at += 6 + length; // the client only writes small frames here (close, pong)
            }

            return null;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Read(buffer.Span));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_headerServed == _header.Length && _payloadLeft == 0)
        {
            if (++_frame >= frames.Length)
                return 0;
            var (opcode, fin, length) = frames[_frame];
            _header = Header(opcode, fin, length);
            _headerServed = 0;
            _payloadLeft = length;
        }

        if (_headerServed < _header.Length)
        {
            var n = Math.Min(buffer.Length, _header.Length - _headerServed);
            _header.AsSpan(_headerServed, n).CopyTo(buffer);
            _headerServed += n;
            return n;
        }

        var count = (int)Math.Min(buffer.Length, _payloadLeft);
        buffer[..count].Fill((byte)'a');
        _payloadLeft -= count;
        PayloadServed += count;
        return count;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _written.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Write(byte[] buffer, int offset, int count) => _written.Write(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private static byte[] Header(byte opcode, bool fin, long length)
    {
        var first = (byte)((fin ? 0x80 : 0) | opcode);
        if (length < 126)
            return [first, (byte)length];
        if (length <= ushort.MaxValue)
            return [first, 126, (byte)(length >> 8), (byte)length];
        var header = new byte[10];
        header[0] = first;
        header[1] = 127;
        for (var i = 0; i < 8; i++)
            header[9 - i] = (byte)(length >> (8 * i));
        return header;
    }
}
