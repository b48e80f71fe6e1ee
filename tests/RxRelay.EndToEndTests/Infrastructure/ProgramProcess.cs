using System.Diagnostics;
using System.Globalization;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// One program run as a real process (<c>dotnet &lt;dll&gt; flags…</c>). Output lines are kept (timestamped)
/// for waits and for the test log. <see cref="KillAsync"/> is the crash; <see cref="TerminateAsync"/> is
/// SIGTERM, what systemd or Ctrl-C does. Disposal always kills, so no test leaves a child behind.
/// </summary>
internal sealed class ProgramProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    private ProgramProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ProgramProcess Start(string name, string dll, IEnumerable<string> arguments)
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

        // The upstream env names configure the programs too; a developer's shell must not leak into a test.
        foreach (var variable in new[] { "PROXY_URL", "WORKER_SECRET", "BACKEND_URL", "MODELS", "LISTEN_ADDR", "PROVIDER_NAME", "MODELRELAY_ADMIN_TOKEN", "MODELRELAY_REQUIRE_API_KEYS", "DATABASE_URL" })
        {
            info.Environment.Remove(variable);
        }

        var process = new Process { StartInfo = info };
        var program = new ProgramProcess(name, process);
        process.OutputDataReceived += (_, e) => program.Record(e.Data);
        process.ErrorDataReceived += (_, e) => program.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return program;
    }

    /// <summary>Every line so far, prefixed with the seconds since start.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Completes with the first line (past or future) containing <paramref name="text"/>.</summary>
    public Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            var existing = _lines.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal));
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            _waiters.Add((line => line.Contains(text, StringComparison.Ordinal), found));
        }

        return WhileRunningAsync(found.Task, text, timeout);
    }

    // A program that died will never print the line: fail at once with its exit code, not at the timeout.
    private async Task<string> WhileRunningAsync(Task<string> found, string text, TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(found, exited).WaitAsync(timeout);
        if (first == found)
        {
            return await found;
        }

        throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before printing '{text}'");
    }

    /// <summary>A crash: SIGKILL, no drain, no close frame.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync().WaitAsync(Bounds.Prompt);
    }

    /// <summary>SIGTERM, then wait for the program's own bounded drain; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
            await kill.WaitForExitAsync().WaitAsync(Bounds.Prompt);
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (Exception error) when (error is InvalidOperationException or TimeoutException)
        {
            // Already reaped, or the OS is slow to report; either way nothing more can be done here.
        }

        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        var stamped = $"[{_clock.Elapsed.TotalSeconds,7:0.000}] {Name}: {line}";
        lock (_lines)
        {
            _lines.Add(stamped);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    _waiters[i].Found.TrySetResult(stamped);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
