namespace RxRelay.Protocol.Json;

/// <summary>
/// Orders strings by the bytes of their UTF-8 form, which is how upstream's <c>BTreeMap&lt;String, String&gt;</c>
/// orders header maps on the wire.
/// </summary>
/// <remarks>
/// UTF-8 byte order equals code point order. Plain ordinal UTF-16 order agrees with it except where a
/// surrogate (U+D800–U+DFFF, i.e. a code point above U+FFFF) meets U+E000–U+FFFF, so those two
/// ranges are swapped before comparing.
/// </remarks>
internal sealed class Utf8OrdinalComparer : IComparer<string>
{
    /// <summary>The shared instance.</summary>
    public static Utf8OrdinalComparer Instance { get; } = new();

    private Utf8OrdinalComparer()
    {
    }

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var common = x.AsSpan().CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length.CompareTo(y.Length);
        }

        return CodePointRank(x[common]).CompareTo(CodePointRank(y[common]));
    }

    private static int CodePointRank(char c) => c switch
    {
        >= '\uE000' => c - 0x800,
        >= '\uD800' => c + 0x2000,
        _ => c,
    };
}
