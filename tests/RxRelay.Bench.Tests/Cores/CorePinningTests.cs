using System.Globalization;
using RxRelay.Bench.Cores;
using RxRelay.Bench.Targets;
using RxRelay.Testing.Network;
using RxRelay.Testing.Processes;

namespace RxRelay.Bench.Tests.Cores;

/// <summary>
/// Real processes pinned through <see cref="CorePinning"/>, their cores read back from /proc. The child goes on the
/// last core this test may use; the harness set is every available core, so re-pinning this test process after a
/// start changes nothing for the tests beside it. On a one-core machine the last core is also the only one: the
/// checks still hold, they only cannot tell pinned from unpinned there.
/// </summary>
public sealed class CorePinningTests
{
    private static readonly CoreSet Available = Affinity.Available();
    private static readonly string Last = Available.Cores[^1].ToString(CultureInfo.InvariantCulture);

    private static CorePinning CreateSut() =>
        new(CpuPlan.Parse($"backend={Last},load={Available},sut={Last}", Available));

    [Fact]
    public async Task Start_NativeChild_EveryThreadOnTheAskedCore()
    {
        var pinning = CreateSut();

        await using var child = pinning.Start(pinning.Plan.Backend, () => ChildProcess.StartExecutable("sleep", "sleep", ["30"]));

        var (lists, threads) = Affinity.ThreadLists(child.Pid);
        Assert.Equal([Last], lists);
        Assert.Equal(1, threads);
        Assert.Equal(Last, Affinity.AllowedList($"/proc/{child.Pid}/status"));
    }

    [Fact]
    public async Task Start_DotnetChild_AllItsRuntimeThreadsOnTheAskedCore_AndCheckSaysSo()
    {
        var pinning = CreateSut();
        var bench = typeof(BenchOptions).Assembly.Location;
        var port = FreePort.Next().ToString(CultureInfo.InvariantCulture);

        // The YARP host: a whole ASP.NET Core process, with its thread pool, GC and Kestrel threads started after the fork.
        await using var child = pinning.Start(pinning.Plan.Sut,
            () => ChildProcess.Start("yarp", bench, [YarpProxyHost.Mode, "--listen", port, "--destination", "http://127.0.0.1:9/"]));
        await child.WaitForLineAsync(l => l.StartsWith(YarpProxyHost.ReadyLine, StringComparison.Ordinal), TimeSpan.FromSeconds(60), CancellationToken.None);

        var (lists, threads) = Affinity.ThreadLists(child.Pid);
        Assert.Equal([Last], lists);
        Assert.True(threads > 5, $"a .NET web host has more than 5 threads; read {threads}");
        var checkedChild = Assert.Single(pinning.Check(), p => p.Pid == child.Pid);
        Assert.Equal(("yarp", Last, true), (checkedChild.Name, checkedChild.Asked, checkedChild.Ok));
        var harness = Assert.Single(pinning.Check(), p => p.Name == CorePinning.LoadGenerator);
        Assert.Equal((Environment.ProcessId, Available.ToString(), true), (harness.Pid, harness.Asked, harness.Ok));
    }

    [Fact]
    public async Task CheckAndReport_PinnedChild_LogsTheHarnessAndTheChild_FailsNone()
    {
        var pinning = CreateSut();
        await using var child = pinning.Start(pinning.Plan.Workers, () => ChildProcess.StartExecutable("sleep", "sleep", ["30"]));
        var (log, failures) = (new List<string>(), new List<string>());

        var pinned = pinning.CheckAndReport(log.Add, failures.Add);

        Assert.Equal([CorePinning.LoadGenerator, "sleep"], pinned.Select(p => p.Name));
        Assert.Equal($"cores: sleep (pid {child.Pid}): asked {Last}, got {Last} on all 1 thread(s)", log[1]);
        Assert.Equal(2, log.Count);
        Assert.Empty(failures);
    }

    [Fact]
    public void Available_IsWhatTheKernelSaysForThisProcess()
        => Assert.Equal(File.ReadLines("/proc/self/status").Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))[18..].Trim(), Available.ToString());
}
