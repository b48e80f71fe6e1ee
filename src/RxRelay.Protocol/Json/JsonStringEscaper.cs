using System.Buffers;
using System.Text.Unicode;

namespace RxRelay.Protocol.Json;

/// <summary>
/// Writes a JSON string literal exactly as upstream's serde_json does. serde_json escapes only
/// <c>"</c>, <c>\</c> and the C0 controls (U+0000–U+001F); everything else, including <c>/</c>,
/// <c>&lt;</c>, <c>&amp;</c>, DEL, U+2028 and emoji, is written as raw UTF-8. None of the
/// <see cref="System.Text.Encodings.Web.JavaScriptEncoder"/> presets behave like that, hence this type.
/// </summary>
internal static class JsonStringEscaper
{
    // Transcode in slices so that a large body does not need one huge contiguous span.
    private const int SliceChars = 8192;

    private static readonly SearchValues<char> MustEscape = SearchValues.Create(BuildEscapeSet());

    /// <summary>Writes <paramref name="value"/> as a quoted, escaped JSON string.</summary>
    /// <remarks>
    /// A .NET string may hold an unpaired surrogate, which has no UTF-8 form (a Rust string cannot hold
    /// one). It is written as U+FFFD, as <see cref="System.Text.Encoding.UTF8"/> would, so the output is
    /// always valid UTF-8 that upstream accepts.
    /// </remarks>
    public static void WriteQuoted(IBufferWriter<byte> output, ReadOnlySpan<char> value)
    {
        output.Write("\""u8);
        while (true)
        {
            var next = value.IndexOfAny(MustEscape);
            if (next < 0)
            {
                WriteUtf8(output, value);
                break;
            }

            WriteUtf8(output, value[..next]);
            WriteEscape(output, value[next]);
            value = value[(next + 1)..];
        }

        output.Write("\""u8);
    }

    private static void WriteEscape(IBufferWriter<byte> output, char c)
    {
        var escape = c switch
        {
            '"' => "\\\""u8,
            '\\' => "\\\\"u8,
            '\b' => "\\b"u8,
            '\f' => "\\f"u8,
            '\n' => "\\n"u8,
            '\r' => "\\r"u8,
            '\t' => "\\t"u8,
            _ => default,
        };
        if (!escape.IsEmpty)
        {
            output.Write(escape);
            return;
        }

        // Other controls: serde_json writes \u00XX with lowercase hex digits.
        var span = output.GetSpan(6);
        "\\u00"u8.CopyTo(span);
        span[4] = HexDigit(c >> 4);
        span[5] = HexDigit(c & 0xF);
        output.Advance(6);
    }

    private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private static void WriteUtf8(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var slice = text.Length > SliceChars ? text[..SliceChars] : text;
            var isLast = slice.Length == text.Length;

            // 3 bytes per UTF-16 unit covers every case (a surrogate pair is 2 units → 4 bytes).
            var span = output.GetSpan(slice.Length * 3);

            // Not the final block: a high surrogate at the slice edge is left for the next slice.
            Utf8.FromUtf16(slice, span, out var read, out var written, replaceInvalidSequences: true, isFinalBlock: isLast);
            output.Advance(written);
            text = text[read..];
        }
    }

    private static string BuildEscapeSet()
    {
        var chars = new char[0x22];
        for (var i = 0; i < 0x20; i++)
        {
            chars[i] = (char)i;
        }

        chars[0x20] = '"';
        chars[0x21] = '\\';
        return new string(chars);
    }
}
