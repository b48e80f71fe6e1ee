using Microsoft.Extensions.Logging;

namespace RxRelay.IntegrationTests.WorkerBackendRelay;

/// <summary>A log line as written: level, event id and rendered message.</summary>
internal sealed record LogLine(LogLevel Level, int EventId, string Message);

/// <summary>Records every log line, for tests that pin the reference's log messages.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<LogLine> _lines = [];

    public IReadOnlyList<LogLine> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add(new LogLine(logLevel, eventId.Id, formatter(state, exception)));
        }
    }
}
