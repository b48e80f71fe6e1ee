using System.Globalization;
using System.Text;

namespace RxRelay.Protocol.Diagnostics;

/// <summary>
/// Makes a peer-supplied string safe to write into a log line: control characters (C0, DEL, C1, the Unicode
/// line and paragraph separators and the bidirectional overrides) are escaped so a value can never start a new line or rewrite
/// the terminal, and long values are cut with a marker saying how much was left out, so one hostile
/// header or model list cannot write megabytes per line. Both hosts use it wherever a value that came
/// from a client, a worker or a proxy is logged.
/// </summary>
/// <remarks>
/// Backslashes are not escaped, so <c>\n</c> in the output may be either an escaped line feed or the two
/// characters a peer sent; the point is that no value can forge a log line, not that it round-trips.
/// </remarks>
public static class LogValue
{
    /// <summary>Longest value kept, in characters of the escaped text, before the truncation marker.</summary>
    public const int DefaultMaxLength = 256;

    /// <summary>Escapes and truncates <paramref name="value"/> to <see cref="DefaultMaxLength"/>; null becomes an empty string.</summary>
    public static string Of(string? value) => Of(value, DefaultMaxLength);

    /// <summary>Escapes <paramref name="value"/> and keeps at most <paramref name="maxLength"/> characters of it, then a marker.</summary>
    /// <param name="value">The peer-supplied text; null becomes an empty string.</param>
    /// <param name="maxLength">Characters kept (at least 1); the marker <c>…[+N chars]</c> counts the left-out input characters.</param>
    /// <returns>The same instance when nothing needed escaping or cutting, so clean values cost no allocation.</returns>
    public static string Of(string? value, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (value is null)
        {
            return string.Empty;
        }

        if (value.Length <= maxLength && !NeedsEscaping(value))
        {
            return value;
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxLength) + 24);
        var index = 0;
        for (; index < value.Length; index++)
        {
            var c = value[index];
            var escaped = Escape(c);
            var width = escaped?.Length ?? 1;
            // Never split a surrogate pair across the cut.
            if (char.IsHighSurrogate(c) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1]))
            {
                width = 2;
            }

            if (builder.Length + width > maxLength)
            {
                break;
            }

            if (escaped is not null)
            {
                builder.Append(escaped);
            }
            else
            {
                builder.Append(value, index, width);
                index += width - 1;
            }
        }

        if (index < value.Length)
        {
            builder.Append("…[+").Append((value.Length - index).ToString(CultureInfo.InvariantCulture)).Append(" chars]");
        }

        return builder.ToString();
    }

    /// <summary>Joins <paramref name="values"/> with commas and passes the result through <see cref="Of(string?, int)"/>, reading only as many values as can be kept.</summary>
    public static string Join(IReadOnlyList<string> values, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(values);
        var builder = new StringBuilder();
        var taken = 0;
        // Stop once past the limit: the rest only changes the count in the marker, so it is not copied.
        for (; taken < values.Count && builder.Length <= maxLength; taken++)
        {
            if (taken > 0)
            {
                builder.Append(',');
            }

            builder.Append(values[taken]);
        }

        var text = Of(builder.ToString(), maxLength);
        return taken < values.Count
            ? string.Create(CultureInfo.InvariantCulture, $"{text} (+{values.Count - taken} more)")
            : text;
    }

    private static bool NeedsEscaping(string value)
    {
        foreach (var c in value)
        {
            if (Escape(c) is not null)
            {
                return true;
            }
        }

        return false;
    }

    private static string? Escape(char c) => c switch
    {
        '\r' => "\\r",
        '\n' => "\\n",
        '\t' => "\\t",
        < ' ' or (>= '\u007F' and <= '\u009F') or '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
        _ => null,
    };
}
