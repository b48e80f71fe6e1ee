namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// Sits under the WebSocket on a worker connection and reads the header of every inbound frame as its
/// bytes pass, so a frame that declares more than <see cref="WorkerSocketLimits.MaxFrameBytes"/> is known
/// before any of its payload is read. The WebSocket API only shows whole messages; this is the one place a
/// frame's own length is visible. It changes no byte; the frame reader checks <see cref="OversizedFrame"/>.
/// </summary>
internal sealed class FrameHeaderGuardStream(Stream inner) : Stream
{
    private readonly byte[] _header = new byte[14];
    private int _headerLength;
    private int _headerSize;
    private long _payloadLeft;
    private volatile bool _oversized;

    /// <summary>True once a frame header declared a payload over the limit.</summary>
    public bool OversizedFrame => _oversized;

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Inspect(buffer.Span[..read]);
        return read;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Inspect(buffer[..read]);
        return read;
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Walks frame headers through <paramref name="bytes"/>, skipping payloads by count.</summary>
    internal void Inspect(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0 && !_oversized)
        {
            if (_payloadLeft > 0)
            {
                var skip = (int)Math.Min(_payloadLeft, bytes.Length);
                _payloadLeft -= skip;
                bytes = bytes[skip..];
                continue;
            }

            _header[_headerLength++] = bytes[0];
            bytes = bytes[1..];
            if (_headerLength == 2)
            {
                var length7 = _header[1] & 0x7F;
                var maskBytes = (_header[1] & 0x80) != 0 ? 4 : 0;
                _headerSize = 2 + maskBytes + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0);
            }

            if (_headerLength >= 2 && _headerLength == _headerSize)
            {
                _payloadLeft = PayloadLength();
                _headerLength = 0;
                _oversized = _payloadLeft > WorkerSocketLimits.MaxFrameBytes;
            }
        }
    }

    private long PayloadLength()
    {
        var length7 = _header[1] & 0x7F;
        if (length7 < 126)
        {
            return length7;
        }

        if (length7 == 126)
        {
            return (_header[2] << 8) | _header[3];
        }

        // RFC 6455: the most significant bit must be 0; a set one reads as huge and is refused too.
        ulong length = 0;
        for (var i = 2; i < 10; i++)
        {
            length = (length << 8) | _header[i];
        }

        return length > long.MaxValue ? long.MaxValue : (long)length;
    }

    /// <inheritdoc />
    public override bool CanRead => inner.CanRead;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => inner.CanWrite;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override void Flush() => inner.Flush();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
