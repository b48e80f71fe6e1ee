namespace RxRelay.Worker.Connection;

/// <summary>
/// The worker's connection stream, under the WebSocket (and TLS, for <c>wss</c>): passes everything
/// through, except that between <see cref="Cork"/> and <see cref="UncorkAsync"/> writes are collected
/// and then sent as one write. The outbound writer corks around a batch of frames that were waiting, so
/// they cost one system call and one wake-up of the proxy instead of one each.
/// <para>
/// Writes come from one WebSocket, which never writes twice at once; the lock only orders a cork and
/// an uncork against a write of the WebSocket's own (a keep-alive ping, a pong) racing with them. A
/// write racing with an uncork's flush is serialized behind it by <c>_writes</c>.
/// </para>
/// <para>
/// The socket is disposed from another thread than the one writing (the session's end, a stop, the
/// WebSocket's abort), so a write can always race it: such a write fails as a closed connection
/// (<see cref="IOException"/>), like a write to a socket the peer closed, never as
/// <see cref="ObjectDisposedException"/>, which the layers above would not read as a lost connection.
/// </para>
/// </summary>
internal sealed class CorkedStream(Stream inner) : Stream
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly MemoryStream _corked = new();
    private bool _isCorked;
    private volatile bool _disposed;

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>From now on, writes are collected until <see cref="UncorkAsync"/>.</summary>
    public void Cork()
    {
        lock (_gate)
        {
            _isCorked = true;
        }
    }

    /// <summary>Sends everything collected since <see cref="Cork"/> as one write; later writes pass through again. Call it from the corking thread only.</summary>
    public async ValueTask UncorkAsync(CancellationToken cancellationToken)
    {
        int length;
        lock (_gate)
        {
            _isCorked = false;
            length = (int)_corked.Length;
        }

        // Nobody appends while uncorked, and only the caller corks again, after this returns.
        try
        {
            if (length > 0)
            {
                await WriteThroughAsync(_corked.GetBuffer().AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _corked.SetLength(0);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_isCorked)
            {
                _corked.Write(buffer.Span);
                return ValueTask.CompletedTask;
            }
        }

        return WriteThroughAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // _writes is not disposed: a write racing the disposal still releases it, and a SemaphoreSlim whose
    // wait handle was never asked for holds nothing that needs disposing.
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _disposed = true;
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask WriteThroughAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_disposed)
            throw Closed(null);

        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException disposed)
        {
            throw Closed(disposed);
        }
        finally
        {
            _writes.Release();
        }
    }

    private static IOException Closed(Exception? cause) => new("the connection to the proxy is closed", cause);
}
