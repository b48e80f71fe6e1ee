using RxRelay.Worker.Connection;

namespace RxRelay.Worker.Tests.Connection;

/// <summary>
/// Write racing disposal: a write racing the socket's disposal is a closed connection, not an
/// ObjectDisposedException.
/// </summary>
public sealed class CorkedStreamDisposeRaceTests
{
    [Fact]
    public async Task WriteAsync_InFlightWhenDisposed_FailsAsAClosedConnection()
    {
        var inner = new PendingWriteStream();
        var sut = new CorkedStream(inner);
        var write = sut.WriteAsync(new byte[] { 1 }).AsTask();

        sut.Dispose();

        var error = await Assert.ThrowsAsync<IOException>(() => write);
        Assert.IsType<ObjectDisposedException>(error.InnerException);
    }

    [Fact]
    public async Task WriteAsync_AfterDispose_FailsAsAClosedConnection()
    {
        var sut = new CorkedStream(new PendingWriteStream());
        await sut.DisposeAsync();

        await Assert.ThrowsAsync<IOException>(() => sut.WriteAsync(new byte[] { 1 }).AsTask());
    }

    [Fact]
    public async Task UncorkAsync_AfterDispose_FailsAsAClosedConnection_AndLaterCorksStartEmpty()
    {
        var sut = new CorkedStream(new PendingWriteStream());
        sut.Cork();
        await sut.WriteAsync(new byte[] { 1, 2, 3 });
        sut.Dispose();

        await Assert.ThrowsAsync<IOException>(() => sut.UncorkAsync(CancellationToken.None).AsTask());
    }

    /// <summary>Like a NetworkStream whose peer stopped reading: writes wait; disposing fails them with ObjectDisposedException.</summary>
    private sealed class PendingWriteStream : Stream
    {
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_disposed.Task.IsCompleted, this);
            await _disposed.Task;
            throw new ObjectDisposedException(nameof(PendingWriteStream));
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _disposed.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
