using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RxRelay.Testing.Processes;

/// <summary>
/// Every live <see cref="ChildProcess"/>, and the last line of defence for "kill children on exit
/// whatever happens": normal disposal handles the
/// usual path (Ctrl-C cancels the run and unwinds through it); this kills whatever is still registered
/// on SIGTERM, SIGQUIT, an unhandled exception and process exit. (SIGKILL of the harness cannot be intercepted; the children then
/// outlive it.)
/// </summary>
public static class ChildProcessRegistry
{
    private static readonly HashSet<Process> Live = [];
    private static readonly List<PosixSignalRegistration> Signals = [];

    /// <summary>Installs the handlers once, at start-up (a harness with children that must not outlive it).</summary>
    public static void Install()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGQUIT })
        {
            Signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                KillAll();
                context.Cancel = false; // then terminate as the signal asks
            }));
        }
    }

    internal static void Add(Process process)
    {
        lock (Live)
        {
            Live.Add(process);
        }
    }

    internal static void Remove(Process process)
    {
        lock (Live)
        {
            Live.Remove(process);
        }
    }

    private static void KillAll()
    {
        Process[] survivors;
        lock (Live)
        {
            survivors = [.. Live];
            Live.Clear();
        }

        foreach (var process in survivors)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already exited.
            }
        }
    }
}
