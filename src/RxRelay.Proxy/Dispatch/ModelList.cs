using System.Globalization;

namespace RxRelay.Proxy.Dispatch;

/// <summary>Model-list rules shared by <c>register</c> and <c>models_update</c> (docs/protocol.md#registration, docs/protocol.md#models).</summary>
internal static class ModelList
{
    /// <summary>The wildcard entry: the worker serves any requested model.</summary>
    public const string Wildcard = "*";

    /// <summary>
    /// Models kept from one <c>register</c> or <c>models_update</c>, counted after trimming and de-duplication;
    /// the rest are dropped (upstream has no cap: docs/differences-from-upstream.md#hardening-model-cap).
    /// </summary>
    public const int MaxPerWorker = 1024;

    /// <summary>The <c>register_ack</c> warning when the list was cut, after upstream's own warnings.</summary>
    public static readonly string TruncatedWarning = string.Create(
        CultureInfo.InvariantCulture, $"model list truncated to {MaxPerWorker} entries");

    /// <summary>
    /// Trims each entry, drops empties, drops duplicates keeping the first occurrence and order, and keeps the
    /// first <see cref="MaxPerWorker"/>; <paramref name="distinct"/> is how many distinct models were advertised.
    /// </summary>
    public static IReadOnlyList<string> Sanitize(IEnumerable<string> models, out int distinct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var raw in models)
        {
            var model = raw.Trim();
            if (model.Length > 0 && seen.Add(model) && result.Count < MaxPerWorker) result.Add(model);
        }

        distinct = seen.Count;
        return result;
    }

    /// <summary>Registration warnings, in upstream order, each only when it applies, then RxRelay's cap.</summary>
    public static IReadOnlyList<string> RegistrationWarnings(string workerName, IReadOnlyList<string> models, int distinct)
    {
        var warnings = new List<string>(3);
        if (workerName.Trim().Length == 0) warnings.Add("worker_name was empty after trimming");
        if (models.Count == 0) warnings.Add("worker registered without any routable models");
        if (distinct > models.Count) warnings.Add(TruncatedWarning);
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
