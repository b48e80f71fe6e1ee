namespace RxRelay.Bench.Cores;

/// <summary>
/// The <c>cpus</c> object of a results file: the spec, the rule when it was <c>auto</c>, the split in words and what every
/// process got, read back from /proc.
/// </summary>
internal sealed record CoresReport(string Spec, string? Rule, IReadOnlyList<string> Split, IReadOnlyList<PinnedProcess> Processes)
{
    /// <summary>The report of <paramref name="plan"/>, or null for an unpinned run (no <c>--cpus</c>).</summary>
    public static CoresReport? Of(CpuPlan? plan, IReadOnlyList<PinnedProcess> pinned) =>
        plan is null ? null : new(plan.Spec, plan.Spec == "auto" ? CpuPlan.AutoRule : null, plan.Describe(), pinned);
}
