using System.Buffers;
using System.Buffers.Text;
using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Json;

/// <summary>
/// Compact-JSON primitives that write straight into a buffer. Every member after <c>type</c> is written
/// with a leading comma, so a message is <see cref="StartMessage"/>, members, <see cref="EndObject"/>.
/// Each <c>Optional…</c>/<c>NonEmpty…</c> member omits itself, matching serde's <c>skip_serializing_if</c>.
/// </summary>
internal readonly struct ProtocolWriter(IBufferWriter<byte> output)
{
    /// <summary>Writes <c>{"type":"name"</c>.</summary>
    public void StartMessage(ReadOnlySpan<byte> type)
    {
        output.Write("{\"type\":\""u8);
        output.Write(type);
        output.Write("\""u8);
    }

    /// <summary>Closes the current object.</summary>
    public void EndObject() => output.Write("}"u8);

    /// <summary>Writes a required string member; a null (which the records' nullability forbids) is a caller bug.</summary>
    public void String(ReadOnlySpan<byte> name, string value)
    {
        if (value is null)
        {
            throw MissingRequired(name);
        }

        Name(name, leadingComma: true);
        JsonStringEscaper.WriteQuoted(output, value);
    }

    /// <summary>Writes a string member unless it is null.</summary>
    public void OptionalString(ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            String(name, value);
        }
    }

    /// <summary>Writes an unsigned integer member.</summary>
    public void Unsigned(ReadOnlySpan<byte> name, ulong value, bool leadingComma = true)
    {
        Name(name, leadingComma);
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    /// <summary>Writes an unsigned integer member unless it is null.</summary>
    public void OptionalUnsigned(ReadOnlySpan<byte> name, ulong? value)
    {
        if (value is { } v)
        {
            Unsigned(name, v);
        }
    }

    /// <summary>Writes a boolean member.</summary>
    public void Bool(ReadOnlySpan<byte> name, bool value)
    {
        Name(name, leadingComma: true);
        output.Write(value ? "true"u8 : "false"u8);
    }

    /// <summary>Writes a required string array member.</summary>
    public void StringArray(ReadOnlySpan<byte> name, IReadOnlyList<string> values)
    {
        if (values is null)
        {
            throw MissingRequired(name);
        }

        Name(name, leadingComma: true);
        output.Write("["u8);
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            JsonStringEscaper.WriteQuoted(output, values[i] ?? throw MissingRequired(name));
        }

        output.Write("]"u8);
    }

    /// <summary>Writes a string array member unless it is null or empty (<c>register_ack.warnings</c>).</summary>
    public void NonEmptyStringArray(ReadOnlySpan<byte> name, IReadOnlyList<string>? values)
    {
        if (values is { Count: > 0 })
        {
            StringArray(name, values);
        }
    }

    /// <summary>
    /// Writes a header map unless it is null or empty, keys in UTF-8 byte order as upstream's
    /// <c>BTreeMap</c> emits them, whatever order the dictionary enumerates in.
    /// </summary>
    public void NonEmptyHeaders(ReadOnlySpan<byte> name, IReadOnlyDictionary<string, string>? headers)
    {
        if (headers is not { Count: > 0 })
        {
            return;
        }

        var count = headers.Count;
        var keys = ArrayPool<string>.Shared.Rent(count);
        try
        {
            var filled = 0;
            foreach (var key in headers.Keys)
            {
                keys[filled++] = key;
            }

            var sorted = keys.AsSpan(0, filled);
            sorted.Sort(Utf8OrdinalComparer.Instance);
            Name(name, leadingComma: true);
            output.Write("{"u8);
            for (var i = 0; i < sorted.Length; i++)
            {
                if (i > 0)
                {
                    output.Write(","u8);
                }

                JsonStringEscaper.WriteQuoted(output, sorted[i]);
                output.Write(":"u8);
                JsonStringEscaper.WriteQuoted(output, headers[sorted[i]] ?? throw MissingRequired(name));
            }

            output.Write("}"u8);
        }
        finally
        {
            ArrayPool<string>.Shared.Return(keys, clearArray: true);
        }
    }

    /// <summary>Writes a cancel reason: a known reason as a string, the catch-all as <c>{"other":"text"}</c>.</summary>
    public void Reason(ReadOnlySpan<byte> name, CancelReason reason)
    {
        if (reason.Value is null || (!reason.IsOther && CancelReasonNames.IndexOf(reason.Value) < 0))
        {
            throw new ArgumentException(
                $"cancel reason '{reason.Value}' is not a known reason; use CancelReason.Other(text) for free text",
                nameof(reason));
        }

        Name(name, leadingComma: true);
        if (!reason.IsOther)
        {
            JsonStringEscaper.WriteQuoted(output, reason.Value);
            return;
        }

        output.Write("{\"other\":"u8);
        JsonStringEscaper.WriteQuoted(output, reason.Value);
        output.Write("}"u8);
    }

    /// <summary>Writes <c>token_counts</c> unless null; each count is omitted when null (so all-null gives <c>{}</c>).</summary>
    public void OptionalTokenCounts(ReadOnlySpan<byte> name, TokenCounts? counts)
    {
        if (counts is null)
        {
            return;
        }

        Name(name, leadingComma: true);
        output.Write("{"u8);
        var first = true;
        WriteCount("prompt_tokens"u8, counts.PromptTokens, ref first);
        WriteCount("completion_tokens"u8, counts.CompletionTokens, ref first);
        WriteCount("total_tokens"u8, counts.TotalTokens, ref first);
        output.Write("}"u8);
    }

    private void WriteCount(ReadOnlySpan<byte> name, uint? value, ref bool first)
    {
        if (value is { } v)
        {
            Unsigned(name, v, leadingComma: !first);
            first = false;
        }
    }

    // Member names are ASCII constants of this assembly, so they need no escaping.
    private void Name(ReadOnlySpan<byte> name, bool leadingComma)
    {
        output.Write(leadingComma ? ",\""u8 : "\""u8);
        output.Write(name);
        output.Write("\":"u8);
    }

    // The records declare these members non-nullable, so a null is the caller's bug; say which field.
    private static ArgumentException MissingRequired(ReadOnlySpan<byte> name) =>
        new($"required field '{System.Text.Encoding.UTF8.GetString(name)}' of the message is null");
}
