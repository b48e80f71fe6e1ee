using System.Globalization;
using System.Text;

namespace RxRelay.Bench.Cores;

/// <summary>
/// A set of CPU numbers as the kernel lists them (<c>0-3,8,10-11</c>): parsed from a list of numbers and ranges,
/// printed in the same canonical form (ascending, runs folded into ranges), which is also how
/// <c>/proc/&lt;pid&gt;/status</c> writes <c>Cpus_allowed_list</c>, so the two compare as strings.
/// </summary>
internal sealed class CoreSet : IEquatable<CoreSet>
{
    /// <summary>The highest core number accepted (a 4096-bit affinity mask); it bounds what a range can allocate.</summary>
    public const int MaxCore = 4095;

    private readonly int[] _cores;

    public CoreSet(IEnumerable<int> cores) => _cores = [.. cores.Distinct().Order()];

    /// <summary>The cores, ascending.</summary>
    public IReadOnlyList<int> Cores => _cores;

    public int Count => _cores.Length;

    /// <summary>Parses <c>0-3,8,10-11</c>; the message of the <see cref="FormatException"/> names the bad item.</summary>
    public static CoreSet Parse(string list) =>
        new(list.Split(',', StringSplitOptions.TrimEntries).SelectMany(ParseItem));

    /// <summary>Parses one item of a list: <c>4</c> or <c>4-7</c>.</summary>
    public static IEnumerable<int> ParseItem(string item)
    {
        var dash = item.IndexOf('-', StringComparison.Ordinal);
        var (first, last) = dash < 0 ? (Number(item, item), Number(item, item)) : (Number(item, item[..dash]), Number(item, item[(dash + 1)..]));
        return first <= last
            ? Enumerable.Range(first, last - first + 1)
            : throw new FormatException($"range '{item}' runs backwards");
    }

    public CoreSet Union(CoreSet other) => new(_cores.Concat(other._cores));

    public CoreSet Intersect(CoreSet other) => new(_cores.Intersect(other._cores));

    public CoreSet Except(CoreSet other) => new(_cores.Except(other._cores));

    public bool Equals(CoreSet? other) => other is not null && _cores.AsSpan().SequenceEqual(other._cores);

    public override bool Equals(object? obj) => Equals(obj as CoreSet);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>The canonical list, e.g. <c>0-3,8,10-11</c>; empty for no cores.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        for (var i = 0; i < _cores.Length; i++)
        {
            var start = i;
            while (i + 1 < _cores.Length && _cores[i + 1] == _cores[i] + 1)
            {
                i++;
            }

            text.Append(text.Length > 0 ? "," : "").Append(_cores[start].ToString(CultureInfo.InvariantCulture));
            if (i > start)
            {
                text.Append('-').Append(_cores[i].ToString(CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private static int Number(string item, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n <= MaxCore ? n : throw new FormatException($"core {n} in '{item}' is beyond {MaxCore}")
            : throw new FormatException($"'{item}' is not a core number or range (e.g. 4 or 4-7)");
}
