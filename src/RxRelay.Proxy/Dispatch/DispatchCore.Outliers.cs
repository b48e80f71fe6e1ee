using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// Outlier ejection (docs/protocol.md#outlier-ejection), after Envoy's: a worker whose streaming request
/// got no first event within <see cref="DispatchOptions.FirstEventTimeout"/>, and that started no stream for
/// that long, is ejected while another worker for that model is healthy and keeping up. The ejected worker
/// keeps its socket and its started streams; its requests without a first event get a <c>cancel</c>
/// (<c>timeout</c>) and are requeued, each using up one requeue attempt (docs/protocol.md#requeue), so a
/// request is never bounced between stuck workers more often than between lost ones. Ejection never leaves a model without a worker: a worker that
/// serves some model alone is not ejected, and one left alone by a peer's departure is reinstated.
/// </summary>
internal sealed partial class DispatchCore
{
    /// <summary>Outlier timer callback, run on the single writer; <see cref="Settle"/> does the work.</summary>
    private void OnOutlierDeadline()
    {
        _outliers.OnDeadlineReached();
        Settle();
    }

    /// <summary>Ejects workers with overdue requests (when a peer is healthy) and ends due ejections.</summary>
    private void ApplyOutlierDeadlines()
    {
        while (_outliers.NextOverdue() is { } overdue)
        {
            var (request, assignedAt) = overdue;
            // Never eject the last healthy-looking worker for the model (Envoy's max ejection percent), nor
            // one that is the only worker left for another of its models: their requests would have nowhere to go.
            if (request.Worker is not { IsEjected: false } worker) continue;
            if (_outliers.ShowsNoProgress(worker) && HasHealthyPeer(worker, request.Submit.Model, assignedAt)
                && !IsOnlyWorkerForAModel(worker))
                Eject(worker, request.Submit.Model);
            else
                _outliers.ExamineAgainLater(request); // busy peers may show by then that this worker is behind them
        }

        while (_outliers.NextEjectionEnded() is { } worker) PullFor(worker);
    }

    private bool HasHealthyPeer(WorkerState worker, string model, DateTimeOffset overdueSince) =>
        _selector.Advertising(model).Any(peer => peer != worker && _outliers.IsHealthyBeside(peer, overdueSince));

    /// <summary>
    /// True when some model (or <c>*</c>) of <paramref name="worker"/> has no other worker that is not
    /// ejected, draining or lost and serves the same requests (tenant); such a worker must stay in selection.
    /// </summary>
    private bool IsOnlyWorkerForAModel(WorkerState worker) =>
        worker.Models.Any(model => !_selector.Advertising(model).Any(peer => peer != worker
            && peer is { IsEjected: false, IsDraining: false, IsLost: false }
            && (peer.Tenant is null || string.Equals(peer.Tenant, worker.Tenant, StringComparison.Ordinal))));

    /// <summary>
    /// After a worker left, started draining or dropped models: an ejected worker that is now the only one
    /// for one of its models is reinstated at once (its count kept) and takes queued work, rather than
    /// leaving that model's requests queued until the ejection period ends.
    /// </summary>
    private void ReinstateWhereAlone()
    {
        foreach (var worker in _outliers.Ejected())
        {
            if (worker.IsDraining || worker.IsLost || !IsOnlyWorkerForAModel(worker)) continue;
            _outliers.Reinstate(worker);
            DispatchLog.WorkerReinstated(_logger, worker.Id, worker.Provider);
            PullFor(worker);
        }
    }

    private void Eject(WorkerState worker, string model)
    {
        var notStarted = worker.InFlight.Where(_outliers.IsAwaiting).ToList();
        var period = _outliers.Eject(worker, notStarted.Select(r => r.WireId));
        foreach (var request in notStarted)
        {
            Detach(request);
            worker.RememberCancelled(request.WireId);
            Send(worker, new CancelRequest(request.WireId, CancelReason.Timeout));
            Recover(request, RequeueReason.WorkerEjected);
        }

        DispatchLog.WorkerEjected(
            _logger, worker.Id, worker.Provider, model, _outliers.Timeout!.Value.TotalSeconds, notStarted.Count, period.TotalSeconds);
    }

    /// <summary>A late answer for a request moved off an ejected worker ends its ejection at once.</summary>
    private void HealOnAnswer(WorkerState worker, string requestId)
    {
        if (!_outliers.HealOnAnswer(worker, requestId)) return;
        DispatchLog.WorkerHealed(_logger, worker.Id, worker.Provider);
        PullFor(worker);
    }
}
