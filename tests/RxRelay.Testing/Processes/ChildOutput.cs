using System.Diagnostics;

namespace RxRelay.Testing.Processes;

/// <summary>A child's output lines: kept (stamped), tailed, waited for and optionally written to a file.</summary>
internal sealed class ChildOutput : IDisposable
{
    private const int TailLines = 40;

    private readonly string _name;
    private readonly int? _kept;
    private StreamWriter? _log;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly LinkedList<(TimeSpan At, string Line)> _lines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    public ChildOutput(string name, ChildProcessOptions options)
    {
        _name = name;
        _kept = options.KeptLines;
        if (options.LogFile is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            _log = new StreamWriter(path, append: false) { AutoFlush = true };
        }
    }

    public IReadOnlyList<string> Stamped()
    {
        lock (_lines)
        {
            return [.. _lines.Select(entry => $"[{entry.At.TotalSeconds,7:0.000}] {_name}: {entry.Line}")];
        }
    }

    public IReadOnlyList<string> Tail()
    {
        lock (_lines)
        {
            return [.. _lines.Skip(Math.Max(0, _lines.Count - TailLines)).Select(entry => entry.Line)];
        }
    }

    /// <summary>The first line, already kept or still to come, that matches.</summary>
    public Task<string> WaitFor(Func<string, bool> match)
    {
        lock (_lines)
        {
            var existing = _lines.FirstOrDefault(entry => match(entry.Line)).Line;
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task;
        }
    }

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _log?.WriteLine(line);
            _lines.AddLast((_clock.Elapsed, line));
            if (_lines.Count > _kept)
            {
                _lines.RemoveFirst();
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    _waiters[i].Found.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lines)
        {
            _log?.Dispose();
            _log = null;
        }
    }
}
