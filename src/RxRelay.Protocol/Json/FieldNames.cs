using System.Text;
using System.Text.Json;

namespace RxRelay.Protocol.Json;

/// <summary>
/// The member names one JSON object understands (a message, <c>token_counts</c>, or the set of
/// <c>type</c> tags), matched against property names with escapes resolved, as serde matches them.
/// </summary>
internal sealed class FieldNames
{
    private readonly byte[][] _utf8;
    private readonly string[] _display;

    /// <summary>Creates the set; <paramref name="displayPrefix"/> qualifies nested names in error details.</summary>
    public FieldNames(string displayPrefix, params string[] names)
    {
        // 32 bits of "seen" flags in JsonFieldReader.NextField.
        if (names.Length > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(names), "at most 32 names");
        }

        _utf8 = Array.ConvertAll(names, n => Encoding.UTF8.GetBytes(n));
        _display = Array.ConvertAll(names, n => displayPrefix + n);
    }

    /// <summary>The name at <paramref name="index"/> as error details show it.</summary>
    public string this[int index] => _display[index];

    /// <summary>The index of the current property-name (or string) token, or -1 when it is not one of these names.</summary>
    public int IndexOf(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _utf8.Length; i++)
        {
            if (reader.ValueTextEquals(_utf8[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
