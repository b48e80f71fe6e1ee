using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace RxRelay.Testing.Logging;

/// <summary>A log line as written: level, event id and rendered message, comparable by value.</summary>
public sealed record LogLine(LogLevel Level, int EventId, string Message);

/// <summary>What tests pin of a <see cref="FakeLogger"/>'s records: the lines in order, as <see cref="LogLine"/>s.</summary>
public static class FakeLoggerLines
{
    extension(FakeLogger logger)
    {
        /// <summary>Every line recorded so far, in order.</summary>
        public IReadOnlyList<LogLine> Lines => logger.Collector.Lines;
    }
}

/// <summary>The lines of a <see cref="FakeLogCollector"/> (every logger that writes into it), as <see cref="LogLine"/>s.</summary>
public static class FakeLogCollectorLines
{
    extension(FakeLogCollector collector)
    {
        /// <summary>Every line recorded so far, of every category, in order.</summary>
        public IReadOnlyList<LogLine> Lines =>
            [.. collector.GetSnapshot().Select(record => new LogLine(record.Level, record.Id.Id, record.Message))];
    }
}
