using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>
/// A backend that holds every request until released: streaming requests first get one chunk
/// (<see cref="FirstChunk"/>). It counts arrivals and aborted requests and notes when each abort was seen.
/// </summary>
internal sealed class HoldingBackend : IAsyncDisposable
{
    public const string FirstChunk = "data: first\n\n";

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HoldingBackend(ScriptedBackend backend) => Backend = backend;

    public ScriptedBackend Backend { get; private set; }

    public string Url => Backend.Url;

    public CountSignal Arrived { get; } = new();

    public CountSignal Aborted { get; } = new();

    /// <summary>When the last abort was observed (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long LastAbortTimestamp { get; private set; }

    public static async Task<HoldingBackend> StartAsync()
    {
        HoldingBackend? holding = null;
        var backend = await ScriptedBackend.StartAsync(call => holding!.HandleAsync(call));
        holding = new HoldingBackend(backend);
        return holding;
    }

    /// <summary>Lets every held request finish: the answer is <c>done:{body}</c>.</summary>
    public void Release() => _release.TrySetResult();

    public ValueTask DisposeAsync()
    {
        Release();
        return Backend.DisposeAsync();
    }

    private async Task HandleAsync(BackendCall request)
    {
        var context = request.Context;
        var aborted = context.RequestAborted;
        try
        {
            context.Response.ContentType = "text/event-stream";
            if (request.Body.Contains("\"stream\":true", StringComparison.Ordinal))
            {
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(FirstChunk), aborted);
                await context.Response.Body.FlushAsync(aborted);
            }

            Arrived.Increment();
            await _release.Task.WaitAsync(aborted);
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("done:" + request.Body), aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            LastAbortTimestamp = Stopwatch.GetTimestamp();
            Aborted.Increment();
        }
    }
}

/// <summary>A counter a test can await reaching a value.</summary>
internal sealed class CountSignal
{
    private readonly object _gate = new();
    private readonly List<(int Target, TaskCompletionSource Done)> _waiters = [];
    private int _count;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Increment()
    {
        lock (_gate)
        {
            _count++;
            _waiters.RemoveAll(waiter => waiter.Target <= _count && waiter.Done.TrySetResult());
        }
    }

    public Task WaitForAsync(int target)
    {
        lock (_gate)
        {
            if (_count >= target)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, done));
            return done.Task.WaitAsync(RecordingOutbound.WaitLimit);
        }
    }
}
