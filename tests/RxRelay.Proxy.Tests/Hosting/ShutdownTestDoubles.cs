using Microsoft.Extensions.Time.Testing;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Tests.Hosting;

/// <summary>
/// Virtual time that also says when a timer of a given due time was created: the coordinator resumes after a
/// virtual timer on another thread, and a test must not advance the clock before the next timer exists.
/// </summary>
internal sealed class ArmingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero))
{
    private readonly List<(TimeSpan Due, TaskCompletionSource Armed)> _waits = [];

    public Task Armed(TimeSpan due)
    {
        lock (_waits)
        {
            var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((due, armed));
            return armed.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_waits)
        {
            _waits.Where(w => w.Due == dueTime).ToList().ForEach(w => w.Armed.TrySetResult());
        }

        return timer;
    }
}

/// <summary>Records a worker's frames and signals its <c>graceful_shutdown</c>.</summary>
internal sealed class SignallingSink : IWorkerFrameSink
{
    private readonly List<ProxyMessage> _frames = [];

    public TaskCompletionSource<GracefulShutdown> ShutdownReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<(ushort Code, string Reason)> Closes { get; } = [];

    public IReadOnlyList<string> RequestIds
    {
        get
        {
            lock (_frames) return _frames.OfType<WorkerRequest>().Select(r => r.RequestId).ToList();
        }
    }

    public bool TrySend(ProxyMessage message)
    {
        lock (_frames) _frames.Add(message);
        if (message is GracefulShutdown shutdown) ShutdownReceived.TrySetResult(shutdown);
        return true;
    }

    public void Close(ushort code, string reason)
    {
        lock (Closes) Closes.Add((code, reason));
    }
}
