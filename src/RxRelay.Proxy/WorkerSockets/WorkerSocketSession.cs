using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Configuration;
using RxRelay.Protocol.WebSockets;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Monitoring;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// One authenticated worker connection: registration (first frame, bounded wait), then one reader loop
/// that hands frames to the dispatcher and one writer (<see cref="WorkerSocketOutbox"/>) with a bounded
/// queue, plus the <see cref="WorkerHeartbeat"/>. Ends when either side ends; the worker is then always
/// reported gone so its requests are requeued.
/// </summary>
internal sealed partial class WorkerSocketSession
{
    private readonly WebSocket _socket;
    private readonly Dispatcher _dispatcher;
    private readonly ProxyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _provider;
    private readonly FrameHeaderGuard? _guard;
    private readonly ProxyMetrics? _metrics;
    private volatile string? _registeredWorkerId;

    /// <summary>Creates a session for an accepted, authenticated socket.</summary>
    /// <param name="guard">The frame-header guard under <paramref name="socket"/>, when it was upgraded through one.</param>
    /// <param name="metrics">Where registrations and session ends are counted; none when null.</param>
    public WorkerSocketSession(
        WebSocket socket, string provider, Dispatcher dispatcher, ProxyOptions options, TimeProvider time, ILogger logger,
        FrameHeaderGuard? guard = null, ProxyMetrics? metrics = null)
    {
        (_socket, _provider, _dispatcher, _options, _time, _logger) = (socket, provider, dispatcher, options, time, logger);
        (_guard, _metrics) = (guard, metrics);
    }

    /// <summary>The id of the client API key the worker authenticated with; null for the shared secret (serves everyone).</summary>
    public string? Tenant { get; init; }

    /// <summary>Runs the connection to its end. The registration deadline starts before this method first yields.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Not `using`: the buffer must outlive a receive that is still pending when the session returns.
        var frameReader = new WorkerFrameReader(_socket, _guard);
        var register = await ReadRegistrationAsync(frameReader, cancellationToken);
        if (register is null)
        {
            return;
        }

        using var outbox = new WorkerSocketOutbox(
            _socket, _time, WorkerSocketOutbox.CapacityFor(_options.WorkerOutboundCapacity, register.MaxConcurrent), _options.HeartbeatTimeout);
        var writer = outbox.RunAsync();
        // Armed before the ack can go out, so a worker that has the ack can rely on the heartbeat running.
        using var heartbeat = StartHeartbeat(outbox);
        var registration = _dispatcher.RegisterWorker(_provider, register, outbox, Tenant);
        var workerId = _registeredWorkerId = registration.WorkerId;
        _metrics?.WorkerSession(WorkerSessionEvent.Registered);
        WorkerSocketLog.Registered(_logger, workerId, _provider, register.WorkerName, registration.Models, register.MaxConcurrent);
        if (Tenant is { } tenant)
        {
            WorkerSocketLog.TenantWorker(_logger, workerId, tenant);
        }

        var reader = ReadLoopAsync(workerId, frameReader, heartbeat, outbox, cancellationToken);
        var first = await Task.WhenAny(reader, writer);
        _dispatcher.OnWorkerGone(workerId);
        if (first == reader)
        {
            // The peer is gone (or the core asked for a close while we read): let the writer finish.
            frameReader.Dispose();
            await FinishAfterReaderAsync(outbox, writer);
        }
        else
        {
            // The close frame is out (or the socket failed): drop the connection without waiting for the peer,
            // as upstream does. The pending receive ends when the connection closes.
            DisposeWhenDone(reader, frameReader);
        }

        WorkerSocketLog.Removed(_logger, workerId, outbox.CloseWasRequested ? "closed by proxy" : "connection ended");
        _metrics?.WorkerSession(EndOf(outbox.CloseRequest));
    }

    /// <summary>Why a registered session ended, from the close the proxy asked for (none: the worker or the network ended it).</summary>
    private static WorkerSessionEvent EndOf((ushort Code, string Reason)? close) => close switch
    {
        null => WorkerSessionEvent.Disconnected,
        { Reason: WorkerCloseReasons.HeartbeatTimedOut } => WorkerSessionEvent.HeartbeatTimeout,
        { Reason: WorkerCloseReasons.GracefulShutdownComplete or WorkerCloseReasons.GracefulShutdownTimedOut } => WorkerSessionEvent.Drain,
        { Code: WorkerCloseReasons.OutboxOverflowCode } => WorkerSessionEvent.OutboxOverflow,
        { Code: WorkerSocketLimits.TooBigCode } => WorkerSessionEvent.TooBig,
        { Code: WorkerCloseReasons.ProtocolErrorCode } => WorkerSessionEvent.ProtocolError,
        _ => WorkerSessionEvent.Disconnected,
    };

    private async Task FinishAfterReaderAsync(WorkerSocketOutbox outbox, Task writer)
    {
        outbox.Complete();
        try
        {
            // A peer that closed its side may also have stopped reading: do not wait for it forever.
            await writer.WaitAsync(_options.HeartbeatTimeout, _time);
        }
        catch (TimeoutException)
        {
            _socket.Abort();
            await writer;
        }

        if (_socket.State == WebSocketState.CloseReceived)
        {
            try
            {
                // Answer the worker's close frame so its close handshake completes.
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
            {
                // Nothing left to tell a peer that is already gone.
            }
        }
    }

    /// <summary>
    /// Returns the read buffer once a read nobody awaits any more has ended. That read fails when the host
    /// disposes the socket, so its exception is observed here; otherwise it would surface as an
    /// <see cref="TaskScheduler.UnobservedTaskException"/> for every worker that never registered.
    /// </summary>
    private static void DisposeWhenDone(Task read, WorkerFrameReader frameReader) =>
        _ = read.ContinueWith(
            static (done, state) =>
            {
                _ = done.Exception;
                ((WorkerFrameReader)state!).Dispose();
            },
            frameReader,
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);

    private WorkerHeartbeat StartHeartbeat(WorkerSocketOutbox outbox)
    {
        WorkerHeartbeat? heartbeat = null;
        heartbeat = new WorkerHeartbeat(
            _time,
            _options.HeartbeatInterval,
            _options.HeartbeatTimeout,
            sendPing: () =>
            {
                if (!outbox.TrySend(new RxRelay.Protocol.Messages.Ping()))
                {
                    GoneThenClose(outbox, WorkerCloseReasons.OutboxOverflowCode, WorkerCloseReasons.OutboxOverflow);
                }
            },
            timedOut: () =>
            {
                WorkerSocketLog.HeartbeatTimedOut(_logger, _registeredWorkerId ?? "(registering)");
                GoneThenClose(outbox, WorkerCloseReasons.NormalCode, WorkerCloseReasons.HeartbeatTimedOut);
            });
        outbox.FrameSent = heartbeat.OnSent;
        return heartbeat;
    }

    // docs/protocol.md#heartbeat: the worker is removed (its requests requeued) first, then the close frame goes out.
    private void GoneThenClose(WorkerSocketOutbox outbox, ushort code, string reason)
    {
        if (_registeredWorkerId is { } workerId)
        {
            try
            {
                _dispatcher.OnWorkerGone(workerId);
            }
            catch (ObjectDisposedException)
            {
                return; // the host is stopping; this runs on a timer thread, where a throw would end the process
            }
        }

        outbox.Close(code, reason);
    }
}
