using System.Buffers.Text;
using System.Collections.ObjectModel;
using System.Text;
using System.Text.Json;
using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Json;

/// <summary>
/// Second pass over a frame that <see cref="FrameScanner"/> accepted: walks the members of an object and
/// reads values with serde's rules. Each reader method expects the reader on the value of the field
/// <see cref="NextField"/> returned, and throws <see cref="ProtocolDecodeException"/> naming that field.
/// Strings are the only allocations on the success path.
/// </summary>
internal ref struct JsonFieldReader
{
    /// <summary>Reader options for both passes. serde_json nests at most 128 levels; no comments or trailing commas.</summary>
    public static readonly JsonReaderOptions Options = new() { MaxDepth = 128 };

    private static readonly FieldNames TokenCountFields = new("token_counts.", "prompt_tokens", "completion_tokens", "total_tokens");

    private Utf8JsonReader _reader;
    private string _field = "";

    /// <summary>Positions a reader on the root object of <paramref name="utf8"/>.</summary>
    public JsonFieldReader(ReadOnlySpan<byte> utf8)
    {
        _reader = new Utf8JsonReader(utf8, Options);
        _reader.Read();
    }

    /// <summary>
    /// Moves to the value of the next member that is one of <paramref name="names"/> and returns its index,
    /// skipping unknown members (including <c>type</c>, already read by the scanner) whatever their shape.
    /// Returns -1 at the end of the object. A name seen twice fails, as serde's derived visitors do.
    /// </summary>
    public int NextField(FieldNames names, ref uint seen)
    {
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = names.IndexOf(ref _reader);
            _reader.Read();
            if (index < 0)
            {
                _reader.Skip();
                continue;
            }

            _field = names[index];
            var bit = 1u << index;
            if ((seen & bit) != 0)
            {
                throw Fail(ProtocolErrorKind.DuplicateField, "appears more than once");
            }

            seen |= bit;
            return index;
        }

        return -1;
    }

    /// <summary>The error for a required field that never appeared.</summary>
    public static ProtocolDecodeException Missing(string name) =>
        ProtocolDecodeException.Of(ProtocolErrorKind.MissingField, $"missing field '{name}'");

    /// <summary>A string; null means missing.</summary>
    public string RequiredString() => OptionalString() ?? throw Missing(_field);

    /// <summary>A string, or null for an explicit null.</summary>
    public string? OptionalString() => _reader.TokenType switch
    {
        JsonTokenType.String => _reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw WrongType("a string"),
    };

    /// <summary>A boolean; null means missing.</summary>
    public bool RequiredBool() => _reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => throw Missing(_field),
        _ => throw WrongType("a boolean"),
    };

    /// <summary>A u32; null means missing.</summary>
    public uint RequiredU32() => OptionalU32() ?? throw Missing(_field);

    /// <summary>A u32, or null for an explicit null.</summary>
    public uint? OptionalU32() => (uint?)OptionalUnsigned(uint.MaxValue, "u32");

    /// <summary>A u16; null means missing.</summary>
    public ushort RequiredU16() => (ushort?)OptionalUnsigned(ushort.MaxValue, "u16") ?? throw Missing(_field);

    /// <summary>A u64, or null for an explicit null.</summary>
    public ulong? OptionalU64() => OptionalUnsigned(ulong.MaxValue, "u64");

    /// <summary>An array of strings; null means missing.</summary>
    public IReadOnlyList<string> RequiredStringArray() =>
        _reader.TokenType == JsonTokenType.Null ? throw Missing(_field) : DefaultedStringArray();

    /// <summary>An array of strings for a <c>#[serde(default)]</c> field: absent means empty, but null is a wrong type.</summary>
    public IReadOnlyList<string> DefaultedStringArray()
    {
        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            throw WrongType("an array of strings");
        }

        var items = new List<string>();
        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(_reader.TokenType == JsonTokenType.String ? _reader.GetString()! : throw WrongType("an array of strings"));
        }

        return items.Count == 0 ? [] : items;
    }

    /// <summary>A header map (string → string). Absent means empty, but null is a wrong type; on a repeated key the last value wins, as in upstream's map.</summary>
    public IReadOnlyDictionary<string, string> HeaderMap()
    {
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw WrongType("an object of strings");
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = _reader.GetString()!;
            _reader.Read();
            headers[key] = _reader.TokenType == JsonTokenType.String ? _reader.GetString()! : throw WrongType("an object of strings");
        }

        return headers.Count == 0 ? EmptyHeaders : headers;
    }

    /// <summary>An empty header map for messages whose <c>headers</c> was absent.</summary>
    public static IReadOnlyDictionary<string, string> EmptyHeaders => ReadOnlyDictionary<string, string>.Empty;

    /// <summary><c>token_counts</c>, or null for an explicit null; each count optional, unknown members ignored.</summary>
    public TokenCounts? OptionalTokenCounts()
    {
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw WrongType("an object");
        }

        uint? prompt = null, completion = null, total = null;
        uint seen = 0;
        int index;
        while ((index = NextField(TokenCountFields, ref seen)) >= 0)
        {
            var value = OptionalU32();
            switch (index)
            {
                case 0: prompt = value; break;
                case 1: completion = value; break;
                default: total = value; break;
            }
        }

        return new TokenCounts(prompt, completion, total);
    }

    /// <summary>
    /// A cancel reason: a known string, or the externally tagged form <c>{"other":"text"}</c>
    /// (serde also accepts a known unit variant as <c>{"timeout":null}</c>). Null means missing.
    /// </summary>
    public CancelReason RequiredCancelReason()
    {
        switch (_reader.TokenType)
        {
            case JsonTokenType.Null:
                throw Missing(_field);
            case JsonTokenType.String:
                return CancelReasonNames.Match(ref _reader) ?? throw UnknownReason();
            case JsonTokenType.StartObject:
                break;
            default:
                throw WrongType("a string or an object");
        }

        // serde reads an externally tagged enum from an object of exactly one key: the variant name.
        if (!_reader.Read() || _reader.TokenType != JsonTokenType.PropertyName)
        {
            throw Fail(ProtocolErrorKind.WrongFieldType, "expected an object with exactly one key");
        }

        var reason = ReadTaggedCancelReason();
        if (!_reader.Read() || _reader.TokenType != JsonTokenType.EndObject)
        {
            throw Fail(ProtocolErrorKind.WrongFieldType, "expected an object with exactly one key");
        }

        return reason;
    }

    private CancelReason ReadTaggedCancelReason()
    {
        if (_reader.ValueTextEquals("other"u8))
        {
            _reader.Read();
            return _reader.TokenType == JsonTokenType.String
                ? CancelReason.Other(_reader.GetString()!)
                : throw WrongType("a string under 'other'");
        }

        var known = CancelReasonNames.Match(ref _reader) ?? throw UnknownReason();
        _reader.Read();
        return _reader.TokenType == JsonTokenType.Null ? known : throw WrongType("null under a unit reason");
    }

    /// <summary>Names a token kind for error details.</summary>
    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };

    /// <summary>
    /// serde_json hands a number with '.', 'e' or 'E' (and "-0") to integer fields as a float, which they
    /// refuse, so only plain digit strings pass; the value must then fit <paramref name="max"/>.
    /// </summary>
    private ulong? OptionalUnsigned(ulong max, string width)
    {
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (_reader.TokenType != JsonTokenType.Number)
        {
            throw WrongType($"an unsigned integer ({width})");
        }

        var raw = _reader.ValueSpan;
        ulong value = 0;
        var problem = raw[0] == '-' ? "is negative"
            : raw.IndexOfAny(".eE"u8) >= 0 ? "is not an integer"
            : !Utf8Parser.TryParse(raw, out value, out var consumed) || consumed != raw.Length || value > max ? "does not fit"
            : null;
        return problem is null
            ? value
            : throw Fail(ProtocolErrorKind.IntegerOutOfRange, $"{Encoding.UTF8.GetString(raw)} {problem} {width}");
    }

    private readonly ProtocolDecodeException UnknownReason() =>
        Fail(ProtocolErrorKind.WrongFieldType, $"unknown cancel reason '{_reader.GetString()}'");

    private readonly ProtocolDecodeException WrongType(string expected) =>
        Fail(ProtocolErrorKind.WrongFieldType, $"expected {expected}, found {Describe(_reader.TokenType)}");

    private readonly ProtocolDecodeException Fail(ProtocolErrorKind kind, string problem) =>
        ProtocolDecodeException.Of(kind, $"field '{_field}': {problem}");
}
