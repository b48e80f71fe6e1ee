using System.Runtime.ExceptionServices;

namespace RxRelay.Bench.Cores;

/// <summary>
/// Puts the processes of a run on the cores of <paramref name="plan"/>: this harness (the load generator) on
/// its load set, each child on the set of its group, and then checks, thread by thread in <c>/proc</c>, that
/// every one got exactly what was asked.
/// </summary>
internal sealed class CorePinning(CpuPlan plan)
{
    public const string LoadGenerator = "load-generator";

    private readonly CoreSet _harness = plan.Load;
    private readonly List<(string Name, int Pid, CoreSet Asked)> _processes = [(LoadGenerator, Environment.ProcessId, plan.Load)];

    public CpuPlan Plan => plan;

    /// <summary>Starts a child on the cores of <paramref name="group"/> of the plan, or as is when there is no plan.</summary>
    public static ChildProcess Start(CorePinning? pinning, Func<CpuPlan, CoreSet> group, Func<ChildProcess> start) =>
        pinning is null ? start() : pinning.Start(group(pinning.Plan), start);

    /// <summary>Pins every thread of this process to the harness set.</summary>
    public void PinHarness() => Affinity.PinThisProcess(_harness);

    /// <summary>Logs how the plan splits the cores (<see cref="CpuPlan.Describe"/>), then <see cref="PinHarness()"/>.</summary>
    public void DescribeAndPinHarness(Action<string> log)
    {
        foreach (var line in plan.Describe())
        {
            log(line);
        }

        PinHarness();
    }

    /// <summary>Lets every thread of this process run on every available core again (the scale cell is not pinned).</summary>
    public void ReleaseHarness() => Affinity.PinThisProcess(plan.Available);

    /// <summary>
    /// Runs <paramref name="start"/> on a new thread pinned to <paramref name="cores"/>, so the child it forks starts
    /// on them; then pins this process to the harness set again, because threads created during the start (the
    /// thread pool grows while output reading begins) inherited the child's mask.
    /// </summary>
    public ChildProcess Start(CoreSet cores, Func<ChildProcess> start)
    {
        ChildProcess? child = null;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Affinity.PinCurrentThread(cores);
                child = start();
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        }) { IsBackground = true, Name = "pinned start" };
        thread.Start();
        thread.Join();
        PinHarness();
        failure?.Throw();
        _processes.Add((child!.Name, child.Pid, cores));
        return child;
    }

    /// <summary>
    /// What every pinned process (the harness first) has now: one entry each, with the distinct lists its threads
    /// have (exactly one, equal to the asked set, when pinning worked). Processes that ended are left out.
    /// </summary>
    public IReadOnlyList<PinnedProcess> Check() =>
        [.. _processes.Select(p => (p, Affinity.ThreadLists(p.Pid)))
            .Where(x => x.Item2.Threads > 0)
            .Select(x => new PinnedProcess(x.p.Name, x.p.Pid, x.p.Asked.ToString(), x.Item2.Lists, x.Item2.Threads))];

    /// <summary><see cref="Check"/>, then <see cref="Report"/> of what it read; returns that.</summary>
    public IReadOnlyList<PinnedProcess> CheckAndReport(Action<string> log, Action<string> fail)
    {
        var pinned = Check();
        Report(pinned, log, fail);
        return pinned;
    }

    /// <summary>
    /// Logs one <c>cores:</c> line per process and hands <paramref name="fail"/> a note for each process not on its cores:
    /// a run with such a process measured something other than what it says, so it must not pass.
    /// </summary>
    public static void Report(IReadOnlyList<PinnedProcess> pinned, Action<string> log, Action<string> fail)
    {
        foreach (var process in pinned)
        {
            log("cores: " + process);
            if (!process.Ok)
            {
                fail($"--cpus: {process} (exit code 1)");
            }
        }
    }
}

/// <summary>One process's cores: asked, and what its threads' <c>Cpus_allowed_list</c> say.</summary>
internal sealed record PinnedProcess(string Name, int Pid, string Asked, IReadOnlyList<string> Got, int Threads)
{
    /// <summary>
    /// True when every thread is allowed only asked cores, and some thread all of them: the server GC pins each of its
    /// threads to one core of the process's set, so a process on several cores also shows one-core lists.
    /// </summary>
    public bool Ok => Got.Contains(Asked) && Got.All(list => CoreSet.Parse(list).Except(CoreSet.Parse(Asked)).Count == 0);

    public override string ToString() =>
        $"{Name} (pid {Pid}): asked {Asked}, got {string.Join(" / ", Got)} on {(Ok && Got.Count == 1 ? "all " : "")}{Threads} thread(s){(Ok ? "" : " MISMATCH")}";
}
