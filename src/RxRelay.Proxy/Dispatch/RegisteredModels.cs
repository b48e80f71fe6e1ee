using System.Collections.Concurrent;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// The model names some worker advertises right now (<c>*</c> excepted), with how many workers do. Written
/// only by <see cref="DispatchCore"/> under the dispatcher's lock, on registration, <c>models_update</c> and
/// removal; read lock-free from any thread, so a request's metric labels can ask "is this a model a worker
/// registered?" without touching the dispatcher. A name clients invent never gets in here, which is what
/// keeps the <c>model</c> label bounded.
/// </summary>
internal sealed class RegisteredModels
{
    private readonly ConcurrentDictionary<string, int> _workersByModel = new(StringComparer.Ordinal);

    /// <summary>True while at least one worker advertises exactly <paramref name="model"/>.</summary>
    public bool Contains(string model) => _workersByModel.ContainsKey(model);

    /// <summary>One more worker advertises each of <paramref name="models"/> (a sanitized, distinct list).</summary>
    public void Add(IReadOnlyList<string> models)
    {
        foreach (var model in models)
        {
            if (model != ModelList.Wildcard)
            {
                _workersByModel.AddOrUpdate(model, 1, static (_, count) => count + 1);
            }
        }
    }

    /// <summary>One worker fewer advertises each of <paramref name="models"/>; a model nobody advertises is forgotten.</summary>
    public void Remove(IReadOnlyList<string> models)
    {
        foreach (var model in models)
        {
            if (model == ModelList.Wildcard || !_workersByModel.TryGetValue(model, out var count))
            {
                continue;
            }

            // Single writer (the dispatch core), so read-then-write cannot race another update.
            if (count <= 1)
            {
                _workersByModel.TryRemove(model, out _);
            }
            else
            {
                _workersByModel[model] = count - 1;
            }
        }
    }
}
