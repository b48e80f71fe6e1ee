using System.Text.Json;
using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Diagnostics;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Relay;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;

namespace RxRelay.Worker.Tests.Logging;

/// <summary>The relay's lines through the json format's formatter: one object per line, properties intact, no forged lines.</summary>
public sealed class JsonLogLineTests
{
    private const string Forged = "request-1\n{\"@t\":\"2026-01-01T00:00:00Z\",\"@mt\":\"forged\"}\"";

    [Fact]
    public void PathRejected_IdWithNewlineAndQuotes_OneJsonLineWithTheEscapedValue()
    {
        var lines = Capture(logger => logger.PathRejected(Forged, "/v1/embeddings"));

        var line = Assert.Single(lines);
        using var json = JsonDocument.Parse(line);
        Assert.Equal("request {RequestId} rejected: endpoint path '{EndpointPath}' is not allowed", json.RootElement.GetProperty("@mt").GetString());
        // LogValue is still applied before the formatter: the line feed arrives as the two characters \n.
        Assert.Equal(LogValue.Of(Forged), json.RootElement.GetProperty("RequestId").GetString());
        Assert.DoesNotContain('\n', json.RootElement.GetProperty("RequestId").GetString()!);
        Assert.Equal("/v1/embeddings", json.RootElement.GetProperty("EndpointPath").GetString());
        Assert.Equal("Warning", json.RootElement.GetProperty("@l").GetString());
    }

    [Fact]
    public void RequestLogScope_FrameWithXRequestId_EveryLineInsideCarriesIt()
    {
        var request = new WorkerRequest("request-1", "m", "/v1/chat/completions", false, "{}", new Dictionary<string, string> { ["x-request-id"] = "abc-123" });

        var lines = Capture(logger =>
        {
            using (RequestLogScope.Begin(logger, request))
            {
                logger.Cancelled("request-1", "client_disconnect");
            }

            logger.Cancelled("request-2", "client_disconnect");
        });

        Assert.Equal(2, lines.Count);
        using var inside = JsonDocument.Parse(lines[0]);
        using var outside = JsonDocument.Parse(lines[1]);
        Assert.Equal("abc-123", inside.RootElement.GetProperty(RequestLogScope.PropertyName).GetString());
        Assert.False(outside.RootElement.TryGetProperty(RequestLogScope.PropertyName, out _));
    }

    [Fact]
    public void RequestLogScope_FrameWithoutXRequestId_NoScope()
    {
        var request = new WorkerRequest("request-1", "m", "/v1/chat/completions", false, "{}", new Dictionary<string, string>());

        Assert.Null(RequestLogScope.Begin(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, request));
    }

    private static List<string> Capture(Action<Microsoft.Extensions.Logging.ILogger> write)
    {
        using var output = new StringWriter();
        using (var serilog = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new FormattingSink(output)).CreateLogger())
        using (var factory = new SerilogLoggerFactory(serilog))
        {
            write(factory.CreateLogger("RxRelay.Worker.Relay"));
        }

        return [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>The json mode's formatter, writing where the test can read it instead of the console.</summary>
    private sealed class FormattingSink(TextWriter output) : ILogEventSink
    {
        private readonly CompactJsonFormatter _formatter = new();

        public void Emit(LogEvent logEvent) => _formatter.Format(logEvent, output);
    }
}
