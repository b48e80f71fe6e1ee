namespace RxRelay.Protocol.Diagnostics;

/// <summary>How a program writes its log lines to stdout (<c>--log-format</c> / <c>LOG_FORMAT</c> on both programs).</summary>
public enum LogFormat
{
    /// <summary>Human-readable lines, as before the option existed (the default).</summary>
    Text,

    /// <summary>One compact JSON object per line (Serilog's compact format), the structured fields as properties.</summary>
    Json,
}

/// <summary>The option's accepted words, shared by both programs so they parse and report it alike.</summary>
public static class LogFormats
{
    /// <summary>The default format's name.</summary>
    public const string DefaultName = "text";

    /// <summary>The "expected …" text of an error line.</summary>
    public const string Expectation = "expected one of text, json";

    /// <summary>Reads <c>text</c> or <c>json</c> (any case); null for anything else.</summary>
    /// <param name="value">The configured word.</param>
    public static LogFormat? Parse(string? value) => value?.ToLowerInvariant() switch
    {
        "text" => LogFormat.Text,
        "json" => LogFormat.Json,
        _ => null,
    };
}
