using RxRelay.Protocol.Diagnostics;
using Serilog;
using Serilog.Configuration;
using Serilog.Formatting.Compact;

namespace RxRelay.Hosting;

/// <summary>
/// The console sink both programs write their logs to (compiled into each host from src/Shared, so the
/// choice of format lives in one place). Text keeps Serilog's default console lines; json writes one
/// compact JSON object per line to stdout and nothing else, structured fields as properties.
/// </summary>
internal static class ConsoleLog
{
    public static LoggerConfiguration Console(this LoggerSinkConfiguration sink, LogFormat format)
        => format == LogFormat.Json
            ? sink.Console(new CompactJsonFormatter())
            : sink.Console();
}
