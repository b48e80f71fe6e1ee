namespace RxRelay.Proxy.Dispatch;

/// <summary>Model-list rules shared by <c>register</c> and <c>models_update</c> (docs/protocol.md#registration, docs/protocol.md#models).</summary>
internal static class ModelList
{
    /// <summary>The wildcard entry: the worker serves any requested model.</summary>
    public const string Wildcard = "*";

    /// <summary>Trims each entry, drops empties, drops duplicates keeping the first occurrence and order.</summary>
    public static IReadOnlyList<string> Sanitize(IEnumerable<string> models)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var raw in models)
        {
            var model = raw.Trim();
            if (model.Length > 0 && seen.Add(model)) result.Add(model);
        }

        return result;
    }

    /// <summary>Registration warnings, in upstream order, each only when it applies.</summary>
    public static IReadOnlyList<string> RegistrationWarnings(string workerName, IReadOnlyList<string> models)
    {
        var warnings = new List<string>(2);
        if (workerName.Trim().Length == 0) warnings.Add("worker_name was empty after trimming");
        if (models.Count == 0) warnings.Add("worker registered without any routable models");
        return warnings;
    }

    /// <summary>
    /// The models of <paramref name="workers"/> in their order, each once (first seen), without
    /// <c>*</c>: the <c>/v1/models</c> list.
    /// </summary>
    public static List<string> Catalog(IEnumerable<WorkerState> workers)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var models = new List<string>();
        foreach (var model in workers.SelectMany(w => w.Models))
        {
            if (model != Wildcard && seen.Add(model)) models.Add(model);
        }

        return models;
    }
}
