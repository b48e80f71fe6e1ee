using System.Globalization;
using System.Runtime.InteropServices;

namespace RxRelay.Bench.Cores;

/// <summary>
/// CPU affinity on Linux, per thread. <c>Process.ProcessorAffinity</c> is not enough here: on Linux it calls
/// <c>sched_setaffinity</c> with the process id, which sets the mask of the main thread only, so the threads a
/// running .NET program already has (thread pool, GC, timers) stay where they were. A new thread inherits its
/// creator's mask and a forked child inherits the forking thread's, so pinning every thread of this process and
/// starting each child from a thread pinned to the child's cores covers everything from its first instruction.
/// </summary>
internal static partial class Affinity
{
    private const int MaskWords = (CoreSet.MaxCore + 1) / 64;

    /// <summary>The cores this process may run on (<c>Cpus_allowed_list</c> of <c>/proc/self/status</c>).</summary>
    /// <exception cref="FormatException">Not Linux, or the line is missing.</exception>
    public static CoreSet Available() =>
        AllowedList("/proc/self/status") is { } list ? CoreSet.Parse(list) : throw new FormatException("needs Linux (/proc/self/status has no Cpus_allowed_list)");

    /// <summary>Pins the calling thread to <paramref name="cores"/>.</summary>
    public static void PinCurrentThread(CoreSet cores) => Pin(0, cores);

    /// <summary>Pins every thread this process has now to <paramref name="cores"/>; threads it starts later inherit the mask.</summary>
    public static void PinThisProcess(CoreSet cores)
    {
        // Two passes: a thread created while the first pass ran was created by a thread not yet pinned.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var tid in ThreadIds(Environment.ProcessId))
            {
                Pin(tid, cores, ignoreGone: true);
            }
        }
    }

    /// <summary>Every distinct <c>Cpus_allowed_list</c> among the threads of <paramref name="pid"/>, with the thread count.</summary>
    public static (IReadOnlyList<string> Lists, int Threads) ThreadLists(int pid)
    {
        var lists = ThreadIds(pid).Select(tid => AllowedList($"/proc/{pid}/task/{tid}/status")).OfType<string>().ToList();
        return ([.. lists.Distinct(StringComparer.Ordinal)], lists.Count);
    }

    /// <summary><c>Cpus_allowed_list</c> of a <c>status</c> file, or null when unreadable (process gone, not Linux).</summary>
    public static string? AllowedList(string statusFile)
    {
        try
        {
            return File.ReadLines(statusFile).FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))?
                ["Cpus_allowed_list:".Length..].Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<int> ThreadIds(int pid)
    {
        try
        {
            return [.. Directory.EnumerateDirectories($"/proc/{pid}/task").Select(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture))];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static void Pin(int tid, CoreSet cores, bool ignoreGone = false)
    {
        var mask = new ulong[MaskWords];
        foreach (var core in cores.Cores)
        {
            mask[core / 64] |= 1UL << (core % 64);
        }

        if (SchedSetAffinity(tid, mask.Length * sizeof(ulong), mask) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            const int NoSuchProcess = 3; // ESRCH: the thread ended between listing and pinning
            if (!(ignoreGone && errno == NoSuchProcess))
            {
                throw new InvalidOperationException($"sched_setaffinity({tid}, {cores}) failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})");
            }
        }
    }

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SchedSetAffinity(int tid, nint size, ulong[] mask);
}
