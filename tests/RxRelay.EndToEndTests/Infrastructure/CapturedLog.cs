using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// Log lines of an in-process host, stamped on a clock the test shares across hosts, so events of
/// many workers (e.g. "connected to proxy, registered worker") can be compared in time.
/// </summary>
internal sealed class CapturedLog(Stopwatch clock) : ILoggerProvider
{
    private readonly List<(TimeSpan At, string Text)> _entries = [];

    public IReadOnlyList<(TimeSpan At, string Text)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private void Add(string text)
    {
        lock (_entries)
        {
            _entries.Add((clock.Elapsed, text));
        }
    }

    private sealed class Logger(CapturedLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => log.Add(formatter(state, exception));
    }
}
