namespace RxRelay.Bench.Cores;

/// <summary>How the plan split the cores, in words, for the log and the report.</summary>
internal sealed partial record CpuPlan
{
    /// <summary>One line per group, then a line per pair of groups that share cores (the honest part on small machines).</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string>
        {
            $"--cpus {Spec}: {Available.Count} core(s) available to the harness ({Available})" + (Spec == "auto" ? "; " + AutoRule : ""),
            $"  backend (echo) {Cores(Backend)}, load generator (this harness) {Cores(Load)}, system under test: yarp {Cores(Sut)}, rxrelay proxy {Cores(Proxy)} + workers {Cores(Workers)}",
        };
        (string Name, CoreSet Set)[] groups = [("backend", Backend), ("load generator", Load), ("system under test", Sut.Union(Proxy).Union(Workers))];
        for (var i = 0; i < groups.Length; i++)
        {
            for (var j = i + 1; j < groups.Length; j++)
            {
                if (groups[i].Set.Intersect(groups[j].Set) is { Count: > 0 } shared)
                {
                    lines.Add($"  SHARED: {groups[i].Name} and {groups[j].Name} share core(s) {shared}: they compete for them, so they are not isolated");
                }
            }
        }

        if (!Proxy.Equals(Workers) && Proxy.Intersect(Workers) is { Count: > 0 } both)
        {
            lines.Add($"  proxy and workers share core(s) {both}");
        }

        return lines;
    }

    private static string Cores(CoreSet set) => $"{set} ({set.Count})";
}
