using System.Globalization;

namespace RxRelay.Bench.Targets;

/// <summary>
/// CPU time (user + system) a process has used, from <c>/proc/&lt;pid&gt;/stat</c>. On a 2-core box a
/// closed-loop cell at concurrency 64 is CPU-bound, so CPU per request of each process in the path
/// says where the throughput goes. Resolution is one clock tick (10 ms); cells run for seconds.
/// </summary>
internal static class ProcessCpu
{
    // USER_HZ: 100 on every mainstream Linux build; /proc reports times in these ticks.
    private const double TicksPerSecond = 100;

    /// <summary>CPU time used so far, or null when unreadable.</summary>
    public static TimeSpan? Used(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may contain spaces: split after it.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state); utime is field 14, stime field 15.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
