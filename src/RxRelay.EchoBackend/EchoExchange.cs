using System.Globalization;
using System.Text.Json;

namespace RxRelay.EchoBackend;

/// <summary>One request being answered: what was asked, plus the ids and timestamp of the answer.</summary>
internal sealed class EchoExchange(EchoRequest request, long sequence, long createdUnixSeconds)
{
    /// <summary>The parsed request.</summary>
    public EchoRequest Request { get; } = request;

    /// <summary>A per-process counter, so ids are unique and predictable (<c>chatcmpl-echo-1</c>, …).</summary>
    public long Sequence { get; } = sequence;

    /// <summary>Unix seconds from the backend's <see cref="TimeProvider"/>.</summary>
    public long Created { get; } = createdUnixSeconds;

    /// <summary>Number of prompt words: what <c>usage</c> reports as input tokens.</summary>
    public int PromptTokens => Request.Words.Length;

    /// <summary>Tokens emitted: what <c>usage</c> reports as output tokens.</summary>
    public int CompletionTokens => Request.TokenCount;

    private string? _id;

    /// <summary>The answer's id, <paramref name="prefix"/> + <see cref="Sequence"/>; built once per request.</summary>
    public string Id(string prefix) => _id ??= string.Concat(prefix, Sequence.ToString(CultureInfo.InvariantCulture));

    private string? _itemId;

    /// <summary>The id of the answer's message item (Responses API), <c>msg_echo_</c> + <see cref="Sequence"/>.</summary>
    public string ItemId => _itemId ??= string.Concat("msg_echo_", Sequence.ToString(CultureInfo.InvariantCulture));

    /// <summary>Responses API event counter (<c>sequence_number</c>).</summary>
    public int EventNumber { get; set; }

    /// <summary>Writes token <paramref name="index"/> ("word ") as a JSON string value.</summary>
    public void WriteToken(Utf8JsonWriter json, int index)
    {
        json.WriteStringValueSegment(Request.TokenWord(index), isFinalSegment: false);
        json.WriteStringValueSegment(" ", isFinalSegment: true);
    }

    /// <summary>Writes every token joined, as one JSON string value, without building the string.</summary>
    public void WriteFullText(Utf8JsonWriter json)
    {
        for (var i = 0; i < Request.TokenCount; i++)
        {
            json.WriteStringValueSegment(Request.TokenWord(i), isFinalSegment: false);
            json.WriteStringValueSegment(" ", isFinalSegment: false);
        }

        json.WriteStringValueSegment(ReadOnlySpan<char>.Empty, isFinalSegment: true);
    }
}
