using System.Threading.Channels;
using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// The thread-safe single writer around <see cref="DispatchCore"/>. Every call — from HTTP handlers,
/// worker socket readers and timers, concurrently — becomes one command on a bounded channel that a
/// single loop applies in arrival order, so the core never needs a lock and calls from one socket reader
/// keep their order. Results come back as tasks (continuations run asynchronously, never on the loop).
/// A full command channel makes callers wait (backpressure instead of unbounded growth).
/// <para>Register one instance per process (singleton) and dispose it at shutdown.</para>
/// </summary>
internal sealed partial class Dispatcher : IAsyncDisposable
{
    private const int CommandCapacity = 4096;

    private readonly Channel<Action> _commands = Channel.CreateBounded<Action>(
        new BoundedChannelOptions(CommandCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly DispatchCore _core;
    private readonly Task _loop;

    /// <summary>Creates the dispatcher and starts its loop.</summary>
    public Dispatcher(DispatchOptions options, TimeProvider time)
    {
        _core = new DispatchCore(options, time, PostFromTimer);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Completes once <see cref="BeginDrainAsync"/> was called and every worker is gone.</summary>
    public Task Drained => _core.Drained;

    /// <summary>Stops the loop after the commands already posted, then releases the timers.</summary>
    public async ValueTask DisposeAsync()
    {
        _commands.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _core.Dispose();
    }

    private async Task RunAsync()
    {
        await foreach (var command in _commands.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            command(); // each command catches its own exceptions into its task (see InvokeAsync)
        }
    }

    // Timer callbacks arrive on thread-pool threads; they join the same queue as everything else.
    private void PostFromTimer(Action action)
    {
        if (!_commands.Writer.TryWrite(() => Guard(action))) _ = PostLaterAsync(action);
    }

    private async Task PostLaterAsync(Action action)
    {
        try
        {
            await _commands.Writer.WriteAsync(() => Guard(action)).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // Disposed: nobody is left to time out.
        }
    }

    private static void Guard(Action action)
    {
        try
        {
            action();
        }
#pragma warning disable CA1031 // a timer tick must never kill the loop; the next operation re-arms timers anyway
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task<T> InvokeAsync<T>(Func<DispatchCore, T> operation, CancellationToken cancellationToken = default)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Command()
        {
            try
            {
                result.TrySetResult(operation(_core));
            }
#pragma warning disable CA1031 // the caller gets the exception through its task; the loop must survive
            catch (Exception ex)
#pragma warning restore CA1031
            {
                result.TrySetException(ex);
            }
        }

        await _commands.Writer.WriteAsync(Command, cancellationToken).ConfigureAwait(false);
        return await result.Task.ConfigureAwait(false);
    }
}
