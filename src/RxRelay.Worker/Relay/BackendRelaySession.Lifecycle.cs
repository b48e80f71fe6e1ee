using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Messages;

namespace RxRelay.Worker.Relay;

/// <summary>How a request ends, how the session drains, and how it is torn down.</summary>
internal sealed partial class BackendRelaySession
{
    /// <summary>The whole life of one admitted request. Never throws.</summary>
    private async Task RunAsync(RelayedRequest relayed)
    {
        ResponseComplete? completion = null;
        try
        {
            completion = await _relay.ExecuteAsync(relayed).ConfigureAwait(false);
        }
        catch (OutboundClosedException ex)
        {
            _logger.OutboundGone(relayed.Id, ex);
        }
        catch (Exception ex) when (relayed.IsAborted)
        {
            // Expected: cancel, drain deadline or disposal tore the call down; the reason decides the answer.
            _logger.RequestAborted(relayed.Id, ex.GetType().Name);
        }
        catch (Exception ex)
        {
            _logger.UnexpectedFailure(relayed.Id, ex);
            completion = RelayErrors.BackendError(relayed.Id);
        }

        var reason = Finish(relayed);
        var final = reason switch
        {
            AbortReason.Cancelled => RelayErrors.Cancelled(relayed.Id),
            AbortReason.DrainTimedOut => RelayErrors.DrainTimedOut(relayed.Id),
            AbortReason.SessionDisposed => null,
            _ => completion,
        };
        if (final is not null)
        {
            await SendCompletionAsync(final, relayed.Request.EndpointPath).ConfigureAwait(false);
        }
        else
        {
            _metrics?.RecordRequest(relayed.Request.EndpointPath, null);
        }
    }

    /// <summary>
    /// Removes the request before its completion is sent: the proxy may dispatch the next request the
    /// moment it reads the completion, and that request must find the slot free. Returns the final abort reason.
    /// </summary>
    private AbortReason Finish(RelayedRequest relayed)
    {
        lock (_gate)
        {
            _inFlight.Remove(relayed.Id);
            _metrics?.RequestFinished();
            if (relayed.AbortReason == AbortReason.Cancelled)
            {
                _cancelledCount--;
            }

            PublishInFlight();
            var reason = _disposed ? AbortReason.SessionDisposed : relayed.AbortReason;
            relayed.Dispose();
            return reason;
        }
    }

    /// <summary>Sends the request's one completion and counts the request by the status the proxy got, or none.</summary>
    private async Task SendCompletionAsync(ResponseComplete completion, string endpointPath)
    {
        try
        {
            await _outbound.SendAsync(completion, _sessionCancellation.Token).ConfigureAwait(false);
            _logger.RequestCompleted(completion.RequestId, completion.StatusCode);
            _metrics?.RecordRequest(endpointPath, completion.StatusCode);
        }
        catch (Exception ex)
        {
            // The socket is gone (or the session disposed); the proxy requeues or fails the request itself.
            _logger.CompletionNotSent(completion.RequestId, ex);
            _metrics?.RecordRequest(endpointPath, null);
        }
    }

    public void BeginDraining()
    {
        _draining = true;
        _logger.DrainingStarted(InFlight);
    }

    public async Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        BeginDraining();
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // FirstOrDefault: a session disposed meanwhile completes the counts without faulting this task.
        var idle = _inFlightCounts.FirstOrDefaultAsync(count => count == 0).ToTask(stopWaiting.Token);
        var deadline = Task.Delay(timeout, _timeProvider, stopWaiting.Token);
        var first = await Task.WhenAny(idle, deadline).ConfigureAwait(false);
        await stopWaiting.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (first != idle || !idle.IsCompletedSuccessfully)
        {
            AbortAll(AbortReason.DrainTimedOut, out var remaining);
            _logger.DrainTimedOut(timeout, remaining);
        }

        // The aborted requests answer 503 promptly: their backend calls are already cancelled.
        await Task.WhenAll(SnapshotWork()).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Task[] work;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            AbortAll(AbortReason.SessionDisposed, out var aborted);
            _logger.Disposed(aborted);
            work = [.. _work.Values];
        }

        await _sessionCancellation.CancelAsync().ConfigureAwait(false);
        // Tracked tasks never throw, so awaiting them observes everything and leaks nothing.
        await Task.WhenAll(work).ConfigureAwait(false);
        _inFlightCounts.OnCompleted();
        _sessionCancellation.Dispose();
    }

    private void AbortAll(AbortReason reason, out int aborted)
    {
        lock (_gate)
        {
            aborted = 0;
            foreach (var relayed in _inFlight.Values)
            {
                aborted += relayed.TryAbort(reason) ? 1 : 0;
            }
        }
    }

    private Task[] SnapshotWork()
    {
        lock (_gate)
        {
            return [.. _work.Values];
        }
    }
}
