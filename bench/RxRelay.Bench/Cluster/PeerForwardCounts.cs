using System.Globalization;

namespace RxRelay.Bench.Cluster;

/// <summary>
/// <c>rxrelay_peer_forwards_total</c> of one replica, by <c>outcome</c> label, read from its Prometheus
/// <c>GET /metrics</c>. The cluster cell compares it before and after a forwarded cell: every request the load
/// generator completed through replica A must show up as one <c>served</c> forward, or the cell did not measure
/// forwarding and fails.
/// </summary>
internal sealed record PeerForwardCounts(IReadOnlyDictionary<string, long> ByOutcome)
{
    public const string Metric = "rxrelay_peer_forwards_total";

    public static PeerForwardCounts None { get; } = new(new Dictionary<string, long>(StringComparer.Ordinal));

    public long Served => Of("served");

    public long Total => ByOutcome.Values.Sum();

    public long Of(string outcome) => ByOutcome.TryGetValue(outcome, out var n) ? n : 0;

    /// <summary>What was counted after <paramref name="before"/> (a counter only grows; outcomes not seen then count from 0).</summary>
    public PeerForwardCounts Since(PeerForwardCounts before) =>
        new(ByOutcome.ToDictionary(p => p.Key, p => p.Value - before.Of(p.Key), StringComparer.Ordinal));

    /// <summary>Other outcomes than <c>served</c>, as <c>outcome=N</c> (empty when none).</summary>
    public string Others() =>
        string.Join(", ", ByOutcome.Where(p => p.Key != "served" && p.Value != 0).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    /// <summary>
    /// Sums the samples of <see cref="Metric"/> per <c>outcome</c> in Prometheus text format; other labels (e.g. the
    /// OpenTelemetry scope) may be present. A metric that has not been written yet counts as none.
    /// </summary>
    public static PeerForwardCounts Parse(string metricsText)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var raw in metricsText.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith(Metric + "{", StringComparison.Ordinal) || Label(line, "outcome") is not { } outcome)
            {
                continue;
            }

            // "name{labels} value [timestamp]": the value follows the closing brace.
            var fields = line[(line.LastIndexOf('}') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || !double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"unreadable sample: {line}");
            }

            counts[outcome] = (counts.TryGetValue(outcome, out var n) ? n : 0) + (long)value;
        }

        return new PeerForwardCounts(counts);
    }

    private static string? Label(string line, string name)
    {
        var key = name + "=\"";
        var at = line.IndexOf(key, StringComparison.Ordinal);
        if (at < 0 || (at > 0 && line[at - 1] is not ('{' or ',')))
        {
            return null;
        }

        var start = at + key.Length;
        var end = line.IndexOf('"', start);
        return end < 0 ? null : line[start..end];
    }

    /// <summary>Reads <c>GET /metrics</c> of the proxy at <paramref name="proxyAddress"/>.</summary>
    public static async Task<PeerForwardCounts> ReadAsync(HttpClient http, Uri proxyAddress, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(proxyAddress, "/metrics"), cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? Parse(text)
            : throw new InvalidOperationException($"GET {proxyAddress}metrics answered HTTP {(int)response.StatusCode}");
    }
}
