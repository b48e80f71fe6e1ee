using System.Diagnostics;

namespace RxRelay.Testing.Processes;

/// <summary>
/// One program run as a real process, <c>dotnet &lt;dll&gt; arguments…</c> in the dll's folder (or any
/// executable, <see cref="StartExecutable"/>). Every
/// output line (stdout and stderr) is kept with the time since start, can be waited for, and optionally
/// goes to a log file. Stopping is SIGTERM (<see cref="TerminateAsync"/>, <see cref="StopAsync"/>) or a
/// crash (<see cref="KillAsync"/>); disposal always kills, bounded, so no caller leaves a child behind,
/// and <see cref="ChildProcessRegistry"/> catches what a crashed caller could not dispose.
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    /// <summary>How long a killed or signalled process may take to be reaped.</summary>
    public static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan OutputDrainBound = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly ChildOutput _output;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string name, Process process, ChildOutput output)
    {
        Name = name;
        _process = process;
        _output = output;
    }

    /// <summary>Short name for messages and output lines, e.g. <c>proxy</c>.</summary>
    public string Name { get; }

    /// <summary>The OS process id.</summary>
    public int Pid => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>The exit code once the process has ended; <c>null</c> while it runs.</summary>
    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>The kept output lines, each prefixed with the seconds since start and the name.</summary>
    public IReadOnlyList<string> Lines => _output.Stamped();

    /// <summary>The last output lines as printed (at most 40), for a failure report.</summary>
    public IReadOnlyList<string> Tail => _output.Tail();

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="arguments"/></c>.</summary>
    /// <exception cref="FileNotFoundException">The dll is not there (not built or published).</exception>
    public static ChildProcess Start(string name, string dll, IEnumerable<string> arguments, ChildProcessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{name}: {dll} does not exist; build or publish it first", dll);
        }

        return Launch(name, "dotnet", [dll, .. arguments], Path.GetDirectoryName(Path.GetFullPath(dll))!, options);
    }

    /// <summary>
    /// Starts a program that is not a .NET assembly (a shell script, a native server) in the current folder,
    /// with the same output keeping and clean-up; disposal kills it and every process it started.
    /// </summary>
    /// <exception cref="FileNotFoundException">The program is not there.</exception>
    public static ChildProcess StartExecutable(string name, string fileName, IEnumerable<string> arguments, ChildProcessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (Path.IsPathRooted(fileName) && !File.Exists(fileName))
        {
            throw new FileNotFoundException($"{name}: {fileName} does not exist", fileName);
        }

        return Launch(name, fileName, arguments, Environment.CurrentDirectory, options);
    }

    /// <summary>
    /// Exited can fire before the last output lines are delivered: wait (bounded, a grandchild may hold the
    /// pipes) for the end of both streams, so a caller that saw the exit also sees every line printed before it.
    /// </summary>
    private async Task OnExitedAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(OutputDrainBound).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            // Output still held open by a grandchild; the exit is reported anyway.
        }

        _exited.TrySetResult();
    }

    private static ChildProcess Launch(string name, string fileName, IEnumerable<string> arguments, string workingDirectory, ChildProcessOptions? options)
    {
        options ??= new ChildProcessOptions();
        var process = new Process { StartInfo = StartInfo(fileName, arguments, workingDirectory, options), EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, new ChildOutput(name, options));
        process.OutputDataReceived += (_, e) => child._output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child._output.Add(e.Data);
        process.Exited += (_, _) => _ = child.OnExitedAsync();
        process.Start();
        ChildProcessRegistry.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Completes with the first line (past or future) that contains <paramref name="text"/>.</summary>
    public Task<string> WaitForLineAsync(string text, TimeSpan timeout) =>
        WaitForLineAsync(line => line.Contains(text, StringComparison.Ordinal), timeout, CancellationToken.None);

    /// <summary>
    /// Completes with the first line (past or future, as printed) that matches <paramref name="match"/>. A
    /// program that dies fails the wait at once, not at the timeout; both failures carry the recent output.
    /// </summary>
    /// <exception cref="InvalidOperationException">The program exited first.</exception>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var found = _output.WaitFor(match);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        var first = await Task.WhenAny(found, _exited.Task, Task.Delay(Timeout.Infinite, bound.Token)).ConfigureAwait(false);
        if (first == found)
        {
            return await found.ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (first == _exited.Task && !found.IsCompleted)
        {
            throw Failure("exited before printing the awaited line");
        }

        return found.IsCompleted
            ? await found.ConfigureAwait(false)
            : throw new TimeoutException(Failure($"printed no awaited line within {timeout.TotalSeconds:0.#} s").Message);
    }

    /// <summary>The last output lines, indented, for a report.</summary>
    public string RecentOutput() =>
        Tail.Count == 0 ? "  (no output)" : string.Join(Environment.NewLine, Tail.Select(line => "  | " + line));

    /// <summary>An exception naming this program, its state and its last output lines.</summary>
    public InvalidOperationException Failure(string what)
    {
        var code = ExitCode is { } exit ? $" (exit code {exit})" : "";
        return new InvalidOperationException($"{Name} {what}{code}. Last output:{Environment.NewLine}{RecentOutput()}");
    }

    private static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, string workingDirectory, ChildProcessOptions options)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in options.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        return info;
    }
}
