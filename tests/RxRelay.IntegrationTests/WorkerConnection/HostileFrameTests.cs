using RxRelay.Worker.Connection;

namespace RxRelay.IntegrationTests.WorkerConnection;

/// <summary>
/// Inbound size limits on real sockets: a hostile proxy (<see cref="RawFrameProxy"/>, raw frames after the upgrade) sends
/// frames the worker's link must refuse with 1009 from their headers, without reading them up to the limit,
/// or accept although they add up to more than one frame's limit (docs/protocol.md#size-limits).
/// </summary>
public sealed class HostileFrameTests
{
    private const long MiB = 1024 * 1024;
    private const byte Text = 0x1;
    private const byte Continuation = 0x0;
    private const byte Binary = 0x2;

    /// <summary>The hostile proxy stops sending here (bounds the test); a worker without limits would still be reading.</summary>
    private const long SendAtMost = 64 * MiB;

    [Fact]
    public async Task Open_ProxySendsA300MiBFrame_ClosesWith1009AndDeliversNothing()
    {
        var outcome = new TaskCompletionSource<(long SentBeforeClose, int CloseCode)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var proxy = new RawFrameProxy(stream => SendFrameUntilClosedAsync(stream, 300 * MiB, 64 * 1024, outcome));
        using var run = new LinkRun(proxy.Url);

        var (sentBeforeClose, closeCode) = await outcome.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var error = await run.Ended.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1009, closeCode);
        // Refused from the frame's header: what went out before the close is what the loopback socket buffers
        // held, never the 16 MiB a reader counting payload bytes would have had to read first.
        Assert.InRange(sentBeforeClose, 0, (16 * MiB) - 1);
        Assert.Equal([new LinkEvent.Opened()], run.Events);
        var refusal = Assert.IsType<InboundTooLargeException>(error);
        Assert.Equal("the proxy sent a frame over 16 MiB; closed with 1009 (message too big)", refusal.Message);
    }

    [Fact]
    public async Task Open_ProxyTricklesA17MiBFrameIn1KiBWrites_ClosesWith1009BeforeReadingItToTheLimit()
    {
        var outcome = new TaskCompletionSource<(long SentBeforeClose, int CloseCode)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var proxy = new RawFrameProxy(stream => SendFrameUntilClosedAsync(stream, 17 * MiB, 1024, outcome));
        using var run = new LinkRun(proxy.Url);

        var (sentBeforeClose, closeCode) = await outcome.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var error = await run.Ended.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1009, closeCode);
        Assert.InRange(sentBeforeClose, 1, (16 * MiB) - 1);
        Assert.Equal([new LinkEvent.Opened()], run.Events);
        Assert.Equal("frame", Assert.IsType<InboundTooLargeException>(error).What);
    }

    // Frames of 256 x 4,093 bytes each fill every 4,093-byte read exactly: a reader that guessed frame ends
    // from short reads took the twenty frames for one 20 MiB frame and refused it. A small message goes out in
    // the same TCP write as the 101 response, so the first frame starts right behind the response head.
    [Fact]
    public async Task Open_ProxySendsA20MiBMessageAsTwentyFramesInSeparateWrites_DeliversItWhole()
    {
        const int frameBytes = 256 * 4093;
        byte[] hello = [.. RawFrameProxy.Header(Text, true, 5), .. "hello"u8];
        await using var proxy = new RawFrameProxy(stream => SendFragmentedMessageAsync(stream, 20, frameBytes), withResponse: hello);
        using var run = new LinkRun(proxy.Url);

        var first = await Task.WhenAny(run.SecondMessage, run.Ended).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Same(run.SecondMessage, first);
        Assert.Equal("hello"u8.ToArray(), Assert.IsType<LinkEvent.Message>(run.Events[1]).Utf8);
        var message = await run.SecondMessage;
        Assert.True(message.IsText);
        Assert.Equal(20 * frameBytes, message.Utf8.Length);
        Assert.All(message.Utf8, b => Assert.Equal((byte)'a', b));
    }

    // The link hands frames on as the bytes read (no string in between), and says which were text: the
    // session ignores binary frames, which the protocol never uses.
    [Fact]
    public async Task Open_ProxySendsTextBinaryText_DeliversEachAsItsBytesWithItsKind()
    {
        byte[] frames =
        [
            .. RawFrameProxy.Header(Text, true, 5), .. "hello"u8,
            .. RawFrameProxy.Header(Binary, true, 3), 0xFF, 0x00, 0xC3,
            .. RawFrameProxy.Header(Text, true, 7), .. "h\u00e9 \u20ac"u8,
        ];
        await using var proxy = new RawFrameProxy(HoldUntilClosedAsync, withResponse: frames);
        using var run = new LinkRun(proxy.Url);

        await run.MessageAt(2).WaitAsync(TimeSpan.FromSeconds(30));

        var messages = run.Events.OfType<LinkEvent.Message>().Select(m => (Convert.ToHexString(m.Utf8), m.IsText));
        Assert.Equal([("68656C6C6F", true), ("FF00C3", false), ("68C3A920E282AC", true)], messages);
    }

    private static async Task HoldUntilClosedAsync(Stream stream)
    {
        try
        {
            await RawFrameProxy.ReadCloseCodeAsync(stream);
        }
        catch (Exception error) when (error is IOException or EndOfStreamException or OperationCanceledException)
        {
            // The worker went without a close: the test is over.
        }
    }

    // One text frame declaring `declared` bytes, its header written a byte at a time, then its payload in
    // `chunk`-sized writes until the worker's close arrives (or SendAtMost).
    private static async Task SendFrameUntilClosedAsync(Stream stream, long declared, int chunk, TaskCompletionSource<(long, int)> outcome)
    {
        try
        {
            await SendFrameUntilClosedCoreAsync(stream, declared, chunk, outcome);
        }
        catch (Exception error)
        {
            outcome.TrySetException(error);
        }
    }

    private static async Task SendFrameUntilClosedCoreAsync(Stream stream, long declared, int chunk, TaskCompletionSource<(long, int)> outcome)
    {
        var sent = 0L;
        var closeCode = RawFrameProxy.ReadCloseCodeAsync(stream);
        var payload = Enumerable.Repeat((byte)'a', chunk).ToArray();
        try
        {
            foreach (var b in RawFrameProxy.Header(Text, true, declared))
            {
                await stream.WriteAsync(new[] { b });
                await stream.FlushAsync();
            }

            while (sent < Math.Min(declared, SendAtMost) && !closeCode.IsCompleted)
            {
                await stream.WriteAsync(payload);
                await stream.FlushAsync();
                sent += payload.Length;
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException)
        {
            // The worker dropped the connection after its close.
        }

        var sentBeforeClose = sent;
        if (await Task.WhenAny(closeCode, Task.Delay(TimeSpan.FromSeconds(5))) == closeCode)
            outcome.TrySetResult((sentBeforeClose, await closeCode));
        else
            outcome.TrySetException(new TimeoutException($"no close from the worker after {sent / MiB} MiB of a {declared / MiB} MiB frame"));
    }

    // One text message in `frames` frames, each frame (header and payload) its own write; then holds the
    // connection until the worker goes.
    private static async Task SendFragmentedMessageAsync(Stream stream, int frames, int frameBytes)
    {
        var payload = Enumerable.Repeat((byte)'a', frameBytes).ToArray();
        for (var i = 0; i < frames; i++)
        {
            byte[] frame = [.. RawFrameProxy.Header(i == 0 ? Text : Continuation, i == frames - 1, frameBytes), .. payload];
            await stream.WriteAsync(frame);
            await stream.FlushAsync();
        }

        try
        {
            await RawFrameProxy.ReadCloseCodeAsync(stream);
        }
        catch (Exception error) when (error is IOException or EndOfStreamException or OperationCanceledException)
        {
            // The worker went without a close: the test is over.
        }
    }

    /// <summary>The real link, opened, with what it reported.</summary>
    private sealed class LinkRun : IDisposable
    {
        private readonly WebsocketProxyLink _link;
        private readonly IDisposable _subscription;
        private readonly List<LinkEvent> _events = [];
        private readonly TaskCompletionSource<Exception?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<LinkEvent.Message>[] _messages = [.. Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<LinkEvent.Message>(TaskCreationOptions.RunContinuationsAsynchronously))];

        public LinkRun(Uri url)
        {
            _link = new WebsocketProxyLink(url, "top-secret");
            _subscription = _link.Open().Subscribe(
                e =>
                {
                    lock (_events)
                    {
                        _events.Add(e);
                        var ordinal = _events.Count(x => x is LinkEvent.Message) - 1;
                        if (e is LinkEvent.Message message && ordinal < _messages.Length)
                            _messages[ordinal].TrySetResult(message);
                    }
                },
                e => _ended.TrySetResult(e),
                () => _ended.TrySetResult(null));
        }

        public Task<Exception?> Ended => _ended.Task;

        public Task<LinkEvent.Message> SecondMessage => MessageAt(1);

        /// <summary>The message of that ordinal (0 to 2), when it arrives.</summary>
        public Task<LinkEvent.Message> MessageAt(int ordinal) => _messages[ordinal].Task;

        public LinkEvent[] Events
        {
            get
            {
                lock (_events)
                    return [.. _events];
            }
        }

        public void Dispose()
        {
            _subscription.Dispose();
            _link.Dispose();
        }
    }
}
