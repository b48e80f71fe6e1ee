using System.Collections.Concurrent;
using System.Diagnostics;

namespace RxRelay.Demo;

/// <summary>
/// One published program run as <c>dotnet &lt;dll&gt; …</c>. Its output goes to a log file and a short
/// in-memory tail (shown when the demo fails). Stopping is graceful first — SIGTERM, which both programs
/// answer with a bounded drain — and a kill only when that is not honoured in time.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 40;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly StreamWriter _log;

    private ChildProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static ChildProcess Start(string name, string dll, IEnumerable<string> arguments, string logDirectory)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Directory.CreateDirectory(logDirectory);
        var log = new StreamWriter(Path.Combine(logDirectory, name + ".log"), append: false) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, log);
        process.OutputDataReceived += (_, e) => child.Record(e.Data);
        process.ErrorDataReceived += (_, e) => child.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public IEnumerable<string> Tail => _tail.ToArray();

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then kill. True when it stopped by itself.</summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return true;
        }

        if (OperatingSystem.IsWindows())
        {
            // No SIGTERM on Windows for a child without a console of its own; a kill is all there is.
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync().WaitAsync(grace).ConfigureAwait(false);
            return false;
        }

        await SendTermAsync(_process.Id).ConfigureAwait(false);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(grace).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped: nothing left to clean up.
        }
        finally
        {
            _process.Dispose();
            await _log.DisposeAsync().ConfigureAwait(false);
        }
    }

    // The kill(1) command rather than P/Invoke: the demo stays free of native interop.
    private static async Task SendTermAsync(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.WriteLine(line);
        }

        _tail.Enqueue(line);
        while (_tail.Count > TailLines && _tail.TryDequeue(out _))
        {
        }
    }
}
