using System.Text.Json;
using System.Text.Unicode;

namespace RxRelay.Protocol.Json;

/// <summary>
/// First pass over a frame: proves the whole input is one well-formed JSON object in valid UTF-8 with
/// no lone surrogate escapes, and finds the <c>type</c> tag wherever it sits. Upstream (serde, internally
/// tagged) buffers every member before it looks at the tag, so a problem anywhere in the frame, even
/// inside an ignored field, fails the decode; scanning everything first gives the same verdict.
/// </summary>
internal static class FrameScanner
{
    /// <summary>Returns the index of the frame's <c>type</c> among <paramref name="knownTypes"/>, or throws a decode error.</summary>
    public static int FindType(ReadOnlySpan<byte> utf8, FieldNames knownTypes)
    {
        if (utf8.IsEmpty)
        {
            throw ProtocolDecodeException.Of(ProtocolErrorKind.InvalidJson, "empty input");
        }

        // Utf8JsonReader only checks UTF-8 in strings it is asked to transcode; check everything up front.
        if (!Utf8.IsValid(utf8))
        {
            throw ProtocolDecodeException.Of(ProtocolErrorKind.InvalidJson, "input is not valid UTF-8");
        }

        var reader = new Utf8JsonReader(utf8, JsonFieldReader.Options);
        if (!reader.Read())
        {
            throw ProtocolDecodeException.Of(ProtocolErrorKind.InvalidJson, "input holds no JSON value");
        }

        var rootToken = reader.TokenType;
        ProtocolError? tagError = null;
        var typeIndex = -1;
        var sawType = false;
        var atTypeValue = false;
        do
        {
            var token = reader.TokenType;
            if (token is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                RejectLoneSurrogates(reader.ValueSpan);
            }

            if (atTypeValue)
            {
                atTypeValue = false;
                if (token != JsonTokenType.String)
                {
                    tagError ??= new(ProtocolErrorKind.MissingType, $"field 'type': expected a string, found {JsonFieldReader.Describe(token)}");
                }
                else if ((typeIndex = knownTypes.IndexOf(ref reader)) < 0)
                {
                    tagError ??= new(ProtocolErrorKind.UnknownType, $"field 'type': unknown message type '{reader.GetString()}'");
                }
            }
            else if (token == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("type"u8))
            {
                if (sawType)
                {
                    tagError ??= new(ProtocolErrorKind.DuplicateField, "field 'type': appears more than once");
                }

                sawType = atTypeValue = true;
            }
        }
        while (reader.Read()); // Read throws on malformed input, including trailing data after the root.

        if (rootToken != JsonTokenType.StartObject)
        {
            throw ProtocolDecodeException.Of(ProtocolErrorKind.NotAnObject, $"expected a JSON object, found {JsonFieldReader.Describe(rootToken)}");
        }

        if (tagError is not null)
        {
            throw new ProtocolDecodeException(tagError);
        }

        return sawType ? typeIndex : throw ProtocolDecodeException.Of(ProtocolErrorKind.MissingType, "missing field 'type'");
    }

    /// <summary>
    /// serde_json refuses a <c>\uD800</c>–<c>\uDFFF</c> escape that is not part of a high+low pair;
    /// Utf8JsonReader accepts it until someone asks for the string. <paramref name="raw"/> is the
    /// still-escaped token text, whose escapes the reader has already checked for syntax.
    /// </summary>
    private static void RejectLoneSurrogates(ReadOnlySpan<byte> raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\')
            {
                continue;
            }

            if (raw[i + 1] != 'u')
            {
                i++; // skip the escaped character, which may itself be a backslash
                continue;
            }

            var unit = ParseHex4(raw.Slice(i + 2, 4));
            i += 5;
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                throw LoneSurrogate(unit);
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                var hasLow = raw.Length >= i + 7 && raw[i + 1] == '\\' && raw[i + 2] == 'u'
                    && ParseHex4(raw.Slice(i + 3, 4)) is >= 0xDC00 and <= 0xDFFF;
                if (!hasLow)
                {
                    throw LoneSurrogate(unit);
                }

                i += 6;
            }
        }
    }

    private static ProtocolDecodeException LoneSurrogate(int unit) =>
        ProtocolDecodeException.Of(ProtocolErrorKind.InvalidJson, $"lone surrogate escape \\u{unit:x4} in a string");

    private static int ParseHex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        foreach (var b in hex)
        {
            value = (value << 4) | (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
        }

        return value;
    }
}
