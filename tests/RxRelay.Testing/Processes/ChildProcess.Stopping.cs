using System.Diagnostics;
using System.Globalization;

namespace RxRelay.Testing.Processes;

/// <summary>How a <see cref="ChildProcess"/> ends: a signal, a crash, or disposal.</summary>
public sealed partial class ChildProcess
{
    /// <summary>A crash: SIGKILL, no drain, no close frame.</summary>
    /// <exception cref="TimeoutException">The OS did not report the exit within <see cref="ExitBound"/>.</exception>
    public async Task KillAsync()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Gone between the check and the kill.
            }
        }

        await _exited.Task.WaitAsync(ExitBound).ConfigureAwait(false);
    }

    /// <summary>SIGTERM (what systemd or Ctrl-C sends), then the program's own bounded drain; returns the exit code.</summary>
    /// <exception cref="TimeoutException">It did not exit within <paramref name="timeout"/>.</exception>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        await SignalTerminateAsync().ConfigureAwait(false);
        await _exited.Task.WaitAsync(timeout).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>
    /// SIGTERM to every program in one <c>kill</c> call, so they get it at the same moment (a machine shutting
    /// down), then their own bounded drains; returns the exit codes in the order given.
    /// </summary>
    /// <exception cref="TimeoutException">One did not exit within <paramref name="timeout"/>.</exception>
    public static async Task<int[]> TerminateTogetherAsync(IReadOnlyList<ChildProcess> programs, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(programs);
        if (OperatingSystem.IsWindows())
        {
            await Task.WhenAll(programs.Select(p => p.KillAsync())).ConfigureAwait(false);
        }
        else
        {
            await SendTerminateAsync(programs.Where(p => !p.HasExited).Select(p => p.Pid)).ConfigureAwait(false);
        }

        return await Task.WhenAll(programs.Select(p => p.WaitForExitAsync(timeout))).ConfigureAwait(false);
    }

    /// <summary>Waits for the program to end by itself; returns its exit code.</summary>
    /// <exception cref="TimeoutException">It did not exit within <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(Failure($"did not exit within {timeout.TotalSeconds:0.#} s").Message);
        }

        return _process.ExitCode;
    }

    /// <summary>SIGTERM, up to <paramref name="grace"/> to exit, then a kill. True when it stopped by itself.</summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (HasExited)
        {
            return true;
        }

        await SignalTerminateAsync().ConfigureAwait(false);
        try
        {
            await _exited.Task.WaitAsync(grace).ConfigureAwait(false);
            return !OperatingSystem.IsWindows();
        }
        catch (TimeoutException)
        {
            await KillAsync().ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>Kills the process if it still runs (bounded), then releases it and its log file.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync().ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The OS is slow to report the exit; nothing more can be done here.
        }
        finally
        {
            ChildProcessRegistry.Remove(_process);
            _process.Dispose();
            _output.Dispose();
        }
    }

    // The kill(1) command rather than P/Invoke: no native interop. Windows has no SIGTERM for a child
    // without a console of its own: a kill is all there is.
    private async Task SignalTerminateAsync()
    {
        if (HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            await KillAsync().ConfigureAwait(false);
            return;
        }

        await SendTerminateAsync([_process.Id]).ConfigureAwait(false);
    }

    private static async Task SendTerminateAsync(IEnumerable<int> pids)
    {
        var info = new ProcessStartInfo("kill") { UseShellExecute = false };
        info.ArgumentList.Add("-TERM");
        foreach (var pid in pids)
        {
            info.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        }

        if (info.ArgumentList.Count == 1)
        {
            return;
        }

        using var kill = Process.Start(info)!;
        await kill.WaitForExitAsync().WaitAsync(ExitBound).ConfigureAwait(false);
    }
}
