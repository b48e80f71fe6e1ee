using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// The bounded buffer between the dispatch core (single writer, under the <see cref="Dispatcher"/>'s
/// lock) and one HTTP handler (single reader).
/// Bounded both in chunks and in characters, so a slow client can never grow memory without limit
/// (upstream buffers without bound, docs/differences-from-upstream.md#proxy-bounded-buffers). The channel has one slot more than the
/// chunk limit, so the terminal event always fits and is never lost.
/// </summary>
internal sealed class RequestStream
{
    private readonly Channel<RequestEvent> _channel;
    private readonly int _maxChunks;
    private readonly long _maxChars;

    // Incremented by the core's writer, decremented by the reader's thread: hence Interlocked.
    private int _bufferedChunks;
    private long _bufferedChars;

    public RequestStream(int maxChunks, long maxChars)
    {
        _maxChunks = maxChunks;
        _maxChars = maxChars;
        _channel = Channel.CreateBounded<RequestEvent>(new BoundedChannelOptions(maxChunks + 1)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Reader = new CountingReader(this);
    }

    /// <summary>The reader handed to the HTTP handler.</summary>
    public ChannelReader<RequestEvent> Reader { get; }

    /// <summary>True once any chunk was handed to the client side; such a stream is never replayed.</summary>
    public bool HasStarted { get; private set; }

    /// <summary>Buffers a chunk; false when the client is too slow (limits reached) or the stream ended.</summary>
    public bool TryWriteChunk(string text)
    {
        var chunks = Volatile.Read(ref _bufferedChunks);
        if (chunks >= _maxChunks) return false;
        if (chunks > 0 && Interlocked.Read(ref _bufferedChars) + text.Length > _maxChars) return false;
        Interlocked.Increment(ref _bufferedChunks);
        Interlocked.Add(ref _bufferedChars, text.Length);
        if (!_channel.Writer.TryWrite(new RequestEvent.Chunk(text)))
        {
            Consumed(text.Length);
            return false;
        }

        HasStarted = true;
        return true;
    }

    /// <summary>Writes the terminal event and completes the stream. Later calls are ignored.</summary>
    public void Finish(RequestEvent terminal)
    {
        if (_channel.Writer.TryWrite(terminal)) _channel.Writer.TryComplete();
    }

    private void Consumed(int chars)
    {
        Interlocked.Decrement(ref _bufferedChunks);
        Interlocked.Add(ref _bufferedChars, -chars);
    }

    /// <summary>Releases buffer budget as the handler reads.</summary>
    private sealed class CountingReader(RequestStream owner) : ChannelReader<RequestEvent>
    {
        private readonly ChannelReader<RequestEvent> _inner = owner._channel.Reader;

        public override Task Completion => _inner.Completion;

        public override bool CanCount => true;

        public override int Count => _inner.Count;

        public override bool TryRead([MaybeNullWhen(false)] out RequestEvent item)
        {
            if (!_inner.TryRead(out item)) return false;
            if (item is RequestEvent.Chunk chunk) owner.Consumed(chunk.Text.Length);
            return true;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
            _inner.WaitToReadAsync(cancellationToken);
    }
}
