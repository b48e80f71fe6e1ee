using System.Globalization;

namespace RxRelay.Bench.Streams;

/// <summary>One of issue 16's targets for a streams size, judged against YARP at the same size.</summary>
internal sealed record StreamCheck(int Streams, string Target, string Measured, string Verdict);

/// <summary>
/// Issue 16: every event delivered, TTFB p50 ≤ 2× YARP's and p99 ≤ YARP's, proxy CPU per event ≤ YARP's, no process
/// dying. Judged only where both targets ran at that size; nothing is judged from a missing number.
/// </summary>
internal static class StreamChecks
{
    public static IReadOnlyList<StreamCheck> Evaluate(IReadOnlyList<StreamCellResult> cells)
    {
        var checks = new List<StreamCheck>();
        foreach (var relay in cells.Where(c => c.Target == "rxrelay"))
        {
            var n = relay.Streams;
            checks.Add(new(n, "every event delivered, no process died", $"{relay.Events:N0} / {relay.ExpectedEvents:N0}, died: {relay.Died.Count}", Verdict(relay.Passed)));
            if (cells.FirstOrDefault(c => c.Target == "yarp" && c.Streams == n) is not { } yarp)
            {
                continue;
            }

            checks.Add(new(n, "TTFB p50 <= 2x YARP", Compare(relay.TtfbP50Ms, yarp.TtfbP50Ms, "ms"), Verdict(relay.TtfbP50Ms <= 2 * yarp.TtfbP50Ms)));
            checks.Add(new(n, "TTFB p99 <= YARP", Compare(relay.TtfbP99Ms, yarp.TtfbP99Ms, "ms"), Verdict(relay.TtfbP99Ms <= yarp.TtfbP99Ms)));
            if (relay.CpuUsPerEvent.TryGetValue("rxrelay-proxy", out var proxy) && yarp.CpuUsPerEvent.TryGetValue("yarp", out var hop))
            {
                checks.Add(new(n, "proxy CPU per event <= YARP", Compare(proxy, hop, "µs"), Verdict(proxy <= hop)));
            }
        }

        return checks;
    }

    private static string Compare(double relay, double yarp, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{relay:0.0} vs {yarp:0.0} {unit} ({relay / yarp:0.00}x)");

    private static string Verdict(bool met) => met ? "met" : "NOT met";
}
