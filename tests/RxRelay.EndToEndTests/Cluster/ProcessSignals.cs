using System.Diagnostics;
using System.Globalization;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// SIGSTOP / SIGCONT for a child process (a replica frozen, as by a long GC pause or a stalled VM), through
/// kill(1) like <see cref="ChildProcess"/>'s SIGTERM: no native interop.
/// </summary>
internal static class ProcessSignals
{
    public static Task StopAsync(int pid) => SendAsync(pid, "STOP");

    public static Task ContinueAsync(int pid) => SendAsync(pid, "CONT");

    private static async Task SendAsync(int pid, string signal)
    {
        var info = new ProcessStartInfo("kill") { UseShellExecute = false };
        info.ArgumentList.Add("-" + signal);
        info.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(info)!;
        await kill.WaitForExitAsync().WaitAsync(Bounds.Prompt);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} exited with {kill.ExitCode}");
        }
    }
}
