using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

internal sealed partial class DispatchCore
{
    // The fallback pass keys its cursors under this provider name, as upstream does.
    private const string AnyProviderCursor = "_any";

    // Cursors are a fairness hint; a client inventing model names for a '*' worker must not grow this map
    // without bound, so it is simply reset when it gets large.
    private const int MaxCursors = 10_000;

    private readonly Dictionary<(string Provider, string Model), long> _cursors = [];

    /// <summary>Workers examined by selection so far; lets tests prove the model index is used.</summary>
    internal long SelectionVisits { get; private set; }

    /// <summary>Queue sets examined by pulls so far.</summary>
    internal long QueueVisits => _queue.Visits;

    /// <summary>
    /// Assigns <paramref name="request"/> to the best worker with room: first among its own provider's
    /// workers, then among all providers (reference 5.2–5.3). False when nobody has room.
    /// </summary>
    private bool TryAssign(PendingRequest request)
    {
        var model = request.Submit.Model;
        var provider = request.Submit.Provider;
        var worker = Select(_indexByProvider.GetValueOrDefault(provider), provider, model)
            ?? Select(_indexAnyProvider, AnyProviderCursor, model);
        if (worker is null) return false;
        Assign(request, worker);
        return true;
    }

    /// <summary>
    /// Minimum selection load wins; ties go round-robin: the first tied worker registered after the
    /// last one chosen for this (provider, model), else the first tied worker. Positions are
    /// registration sequences, which do not shift when workers leave (upstream uses list indexes).
    /// One pass over the compatible workers only.
    /// </summary>
    private WorkerState? Select(WorkerIndex? index, string cursorProvider, string model)
    {
        if (index is null) return null;
        var cursor = _cursors.GetValueOrDefault((cursorProvider, model), long.MinValue);
        WorkerState? first = null;
        WorkerState? next = null;
        foreach (var worker in index.ExactFor(model).Concat(index.Wildcard))
        {
            SelectionVisits++;
            if (!worker.CanTakeWork) continue;
            var load = worker.SelectionLoad;
            if (first is null || load < first.SelectionLoad)
            {
                first = worker;
                next = worker.Sequence > cursor ? worker : null;
                continue;
            }

            if (load != first.SelectionLoad) continue;
            if (worker.Sequence < first.Sequence) first = worker;
            if (worker.Sequence > cursor && (next is null || worker.Sequence < next.Sequence)) next = worker;
        }

        var chosen = next ?? first;
        if (chosen is not null) RememberCursor(cursorProvider, model, chosen.Sequence);
        return chosen;
    }

    private void RememberCursor(string provider, string model, long sequence)
    {
        if (_cursors.Count >= MaxCursors && !_cursors.ContainsKey((provider, model))) _cursors.Clear();
        _cursors[(provider, model)] = sequence;
    }

    /// <summary>Reserves a slot (in-flight list, reported load + 1) and sends the <c>request</c> frame.</summary>
    private void Assign(PendingRequest request, WorkerState worker)
    {
        request.Worker = worker;
        worker.InFlight.Add(request);
        worker.ReportedLoad++;
        var submit = request.Submit;
        Send(worker, new WorkerRequest(
            request.Id, submit.Model, submit.EndpointPath, submit.IsStreaming, submit.Body, submit.Headers));
    }

    /// <summary>The worker takes the oldest compatible queued requests (any provider) while it has room.</summary>
    private void PullFor(WorkerState worker)
    {
        while (worker.CanTakeWork && _queue.EarliestFor(worker) is { } request)
        {
            _queue.Remove(request);
            Assign(request, worker);
        }
    }

    /// <summary>True if any non-draining worker of any provider advertises the model or <c>*</c>.</summary>
    private bool AnyWorkerAdvertises(string model) =>
        _indexAnyProvider.ExactFor(model).Concat(_indexAnyProvider.Wildcard).Any(w => !w.IsDraining && !w.IsLost);
}
