using RxRelay.Protocol.Messages;
using RxRelay.Worker.Relay;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>
/// A fake socket: records every frame, lets a test hold sends (a slow proxy) or fail them (a dead
/// socket), and wakes waiters when a condition over the recorded frames becomes true.
/// </summary>
internal sealed class RecordingOutbound : IWorkerOutbound
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(15);

    private readonly object _gate = new();
    private readonly List<WorkerMessage> _messages = [];
    private readonly List<(Func<RecordingOutbound, bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private TaskCompletionSource? _hold;
    private int _attempts;

    /// <summary>Keep only chunk lengths (for streams of many megabytes).</summary>
    public bool DiscardChunkText { get; init; }

    /// <summary>When set, every send throws it (the socket is gone).</summary>
    public Exception? FailWith { get; set; }

    /// <summary>Sends started, including held ones.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public long ChunkChars { get; private set; }

    public int MaxChunkChars { get; private set; }

    public IReadOnlyList<WorkerMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public async ValueTask SendAsync(WorkerMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        Notify();
        var hold = Volatile.Read(ref _hold);
        if (hold is not null)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (FailWith is { } failure)
        {
            throw failure;
        }

        lock (_gate)
        {
            if (message is ResponseChunk chunk)
            {
                ChunkChars += chunk.Chunk.Length;
                MaxChunkChars = Math.Max(MaxChunkChars, chunk.Chunk.Length);
                message = DiscardChunkText ? chunk with { Chunk = string.Empty } : chunk;
            }

            _messages.Add(message);
        }

        Notify();
    }

    /// <summary>From now on sends wait until <see cref="Release"/>.</summary>
    public void Hold() => Volatile.Write(ref _hold, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Release() => Interlocked.Exchange(ref _hold, null)?.TrySetResult();

    public Task WaitUntilAsync(Func<RecordingOutbound, bool> condition, TimeSpan? limit = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((condition, done));
        }

        Notify();
        return done.Task.WaitAsync(limit ?? WaitLimit);
    }

    public async Task<ResponseComplete> WaitForCompletionAsync(string requestId)
    {
        await WaitUntilAsync(outbound => outbound.Completions(requestId).Count > 0);
        return Completions(requestId)[0];
    }

    public IReadOnlyList<ResponseComplete> Completions(string requestId)
        => [.. Messages.OfType<ResponseComplete>().Where(complete => complete.RequestId == requestId)];

    public IReadOnlyList<string> Chunks(string requestId)
        => [.. Messages.OfType<ResponseChunk>().Where(chunk => chunk.RequestId == requestId).Select(chunk => chunk.Chunk)];

    public string ChunkText(string requestId) => string.Concat(Chunks(requestId));

    private void Notify()
    {
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(this))
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
