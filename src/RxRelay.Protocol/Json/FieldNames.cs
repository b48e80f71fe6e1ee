using System.Text;
using System.Text.Json;

namespace RxRelay.Protocol.Json;

/// <summary>
/// The member names one JSON object understands (a message, <c>token_counts</c>, or the set of
/// <c>type</c> tags), matched against property names with escapes resolved, as serde matches them.
/// </summary>
internal sealed class FieldNames
{
    private readonly byte[][] utf8;
    private readonly string[] display;

    /// <summary>Creates the set; <paramref name="displayPrefix"/> qualifies nested names in error details.</summary>
    public FieldNames(string displayPrefix, params string[] names)
    {
        // 32 bits of "seen" flags in JsonFieldReader.NextField.
        if (names.Length > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(names), "at most 32 names");
        }

        utf8 = Array.ConvertAll(names, n => Encoding.UTF8.GetBytes(n));
        display = Array.ConvertAll(names, n => displayPrefix + n);
    }

    /// <summary>The name at <paramref name="index"/> as error details show it.</summary>
    public string this[int index] => display[index];

    /// <summary>The index of the current property-name (or string) token, or -1 when it is not one of these names.</summary>
    public int IndexOf(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < utf8.Length; i++)
        {
            if (reader.ValueTextEquals(utf8[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
