using RxRelay.Protocol.Diagnostics;

namespace RxRelay.Protocol.Tests.Diagnostics;

public sealed class LogValueTests
{
    [Fact]
    public void Of_CarriageReturnLineFeed_IsEscapedOnOneLine() =>
        Assert.Equal("local\\r\\n[INF] worker registered forged=1", LogValue.Of("local\r\n[INF] worker registered forged=1"));

    [Theory]
    [InlineData("a\tb", "a\\tb")]
    [InlineData("a\0b", "a\\u0000b")]
    [InlineData("\u001b[2J", "\\u001b[2J")]
    [InlineData("a\u007fb\u0085c", "a\\u007fb\\u0085c")]
    [InlineData("a\u2028b\u2029c", "a\\u2028b\\u2029c")]
    [InlineData("a\u202Eb", "a\\u202eb")]
    public void Of_ControlCharacters_AreEscaped(string value, string expected) => Assert.Equal(expected, LogValue.Of(value));

    [Fact]
    public void Of_CleanShortValue_IsTheSameInstance()
    {
        var value = "openai é ✓";
        Assert.Same(value, LogValue.Of(value));
    }

    [Fact]
    public void Of_Null_IsEmpty() => Assert.Equal(string.Empty, LogValue.Of(null));

    [Fact]
    public void Of_LongValue_IsCutWithTheCountOfLeftOutCharacters()
    {
        var value = new string('x', 30_000);
        Assert.Equal(new string('x', 256) + "…[+29744 chars]", LogValue.Of(value));
    }

    [Fact]
    public void Of_EscapesCountTowardsTheLimit() =>
        Assert.Equal("ab…[+3 chars]", LogValue.Of("ab\ncd", 3));

    [Fact]
    public void Of_CutNeverSplitsASurrogatePair() =>
        Assert.Equal("ab…[+2 chars]", LogValue.Of("ab\U0001F600", 3));

    [Fact]
    public void Join_ManyValues_KeepsThePrefixAndCountsTheRest()
    {
        var models = Enumerable.Range(0, 1_000_000).Select(i => $"m{i}").ToArray();
        var text = LogValue.Join(models, 20);
        Assert.Equal("m0,m1,m2,m3,m4,m5,m6…[+3 chars] (+999992 more)", text);
    }

    [Fact]
    public void Join_FewValues_IsCommaSeparated() => Assert.Equal("a,b\\n", LogValue.Join(["a", "b\n"]));
}
