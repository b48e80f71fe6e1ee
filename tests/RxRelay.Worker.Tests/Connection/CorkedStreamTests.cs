using System.Text;
using RxRelay.Worker.Connection;

namespace RxRelay.Worker.Tests.Connection;

public sealed class CorkedStreamTests
{
    [Fact]
    public async Task Uncorked_EveryWritePassesThrough()
    {
        var inner = new RecordingStream();
        await using var sut = new CorkedStream(inner);

        await sut.WriteAsync(Bytes("one"));
        await sut.WriteAsync(Bytes("two"));

        Assert.Equal(["one", "two"], inner.Writes);
    }

    [Fact]
    public async Task Corked_WritesAreCollected_ThenSentAsOneWriteInOrder()
    {
        var inner = new RecordingStream();
        await using var sut = new CorkedStream(inner);

        sut.Cork();
        var first = sut.WriteAsync(Bytes("one"));
        var second = sut.WriteAsync(Bytes("two"));
        Assert.True(first.IsCompletedSuccessfully && second.IsCompletedSuccessfully);
        Assert.Empty(inner.Writes);
        await sut.UncorkAsync(CancellationToken.None);
        await sut.WriteAsync(Bytes("three"));

        Assert.Equal(["onetwo", "three"], inner.Writes);
    }

    [Fact]
    public async Task UncorkWithNothingCollected_WritesNothing_AndTheNextBatchStartsEmpty()
    {
        var inner = new RecordingStream();
        await using var sut = new CorkedStream(inner);

        sut.Cork();
        await sut.UncorkAsync(CancellationToken.None);
        sut.Cork();
        await sut.WriteAsync(Bytes("a"));
        await sut.UncorkAsync(CancellationToken.None);
        sut.Cork();
        await sut.WriteAsync(Bytes("b"));
        await sut.UncorkAsync(CancellationToken.None);

        Assert.Equal(["a", "b"], inner.Writes);
    }

    [Fact]
    public async Task Reads_PassThrough_AndDisposeDisposesTheInnerStream()
    {
        var inner = new RecordingStream(Bytes("hello"));
        var sut = new CorkedStream(inner);
        var buffer = new byte[16];

        var read = await sut.ReadAsync(buffer);
        await sut.DisposeAsync();

        Assert.Equal("hello", Encoding.UTF8.GetString(buffer, 0, read));
        Assert.True(inner.Disposed);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private sealed class RecordingStream(byte[]? toRead = null) : Stream
    {
        private readonly MemoryStream _source = new(toRead ?? []);

        public List<string> Writes { get; } = [];

        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _source.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Writes.Add(Encoding.UTF8.GetString(buffer, offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(Encoding.UTF8.GetString(buffer.Span));
            return ValueTask.CompletedTask;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
