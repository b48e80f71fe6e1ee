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

        var info = new ProcessStartInfo("kill") { UseShellExecute = false };
        info.ArgumentList.Add("-TERM");
        info.ArgumentList.Add(_process.Id.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(info)!;
        await kill.WaitForExitAsync().WaitAsync(ExitBound).ConfigureAwait(false);
    }
}
