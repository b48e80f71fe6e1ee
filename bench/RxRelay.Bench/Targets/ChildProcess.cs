using System.Collections.Concurrent;
using System.Diagnostics;

namespace RxRelay.Bench.Targets;

/// <summary>
/// One program run as <c>dotnet &lt;dll&gt; args…</c>. Output is kept (last lines) for error messages
/// and can be waited on; disposing kills the whole process tree. Every child is also registered with
/// <see cref="ChildProcessRegistry"/>, which kills the survivors on Ctrl-C, SIGTERM and process exit.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 40;

    private readonly Process process;
    private readonly ConcurrentQueue<string> lastLines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> waiters = [];
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
    }

    /// <summary>Short name for messages, e.g. <c>rxrelay-proxy</c>.</summary>
    public string Name { get; }

    /// <summary>The OS process id.</summary>
    public int Pid => process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => exited.Task.IsCompleted;

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="args"/></c>, with <paramref name="environment"/> added to the inherited environment.</summary>
    public static ChildProcess Start(string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{name}: {dll} does not exist; run `dotnet cake --target=Publish` first", dll);
        }

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // No colour codes in captured output; no first-run banner noise.
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child.OnExited();
        process.Start();
        ChildProcessRegistry.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for an output line matching <paramref name="match"/>; fails with the recent output if the process exits or time runs out.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (waiters)
        {
            if (lastLines.FirstOrDefault(match) is { } already)
            {
                return already;
            }

            waiters.Add((match, found));
        }

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutCts.CancelAfter(timeout);
        var winner = await Task.WhenAny(found.Task, exited.Task, Task.Delay(Timeout.Infinite, timeoutCts.Token)).ConfigureAwait(false);
        if (winner == found.Task)
        {
            return await found.Task.ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw Failure(winner == exited.Task ? "exited before it was ready" : $"was not ready within {timeout.TotalSeconds:0} s");
    }

    /// <summary>The last output lines, indented, for a report.</summary>
    public string RecentOutput() =>
        lastLines.IsEmpty ? "  (no output)" : string.Join(Environment.NewLine, lastLines.Select(l => "  | " + l));

    /// <summary>An exception naming this child, its state and its last output lines.</summary>
    public InvalidOperationException Failure(string what)
    {
        var code = HasExited ? $" (exit code {process.ExitCode})" : "";
        return new InvalidOperationException($"{Name} {what}{code}. Last output:{Environment.NewLine}{RecentOutput()}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone between the check and the kill.
            }

            await Task.WhenAny(exited.Task, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }

        ChildProcessRegistry.Remove(process);
        process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lastLines.Enqueue(line);
        while (lastLines.Count > KeptLines && lastLines.TryDequeue(out _))
        {
        }

        lock (waiters)
        {
            for (var i = waiters.Count - 1; i >= 0; i--)
            {
                if (waiters[i].Match(line))
                {
                    waiters[i].Found.TrySetResult(line);
                    waiters.RemoveAt(i);
                }
            }
        }
    }

    private void OnExited() => exited.TrySetResult();
}
