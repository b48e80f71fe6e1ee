using System.Buffers;
using System.Text;
using RxRelay.Protocol.Json;
using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Tests.Json;

/// <summary>The escaper must match serde_json byte for byte: only '"', '\' and C0 controls are escaped.</summary>
public sealed class JsonStringEscaperTests
{
    private static byte[] Escape(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        JsonStringEscaper.WriteQuoted(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }

    private static string EscapeToString(string value) => Encoding.UTF8.GetString(Escape(value));

    [Theory]
    [InlineData("\"", "\"\\\"\"")]
    [InlineData("\\", "\"\\\\\"")]
    [InlineData("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"")]
    public void WriteQuoted_QuoteBackslashAndShortControls_UseShortEscapes(string value, string expected) =>
        Assert.Equal(expected, EscapeToString(value));

    [Fact]
    public void WriteQuoted_Nul_IsLowercaseUnicodeEscape() => Assert.Equal("\"\\u0000\"", EscapeToString("\0"));

    [Fact]
    public void WriteQuoted_OtherControls_AreLowercaseHexEscapes() =>
        Assert.Equal("\"\\u0001\\u000b\\u000e\\u001b\\u001f\"", EscapeToString("\u0001\u000b\u000e\u001b\u001f"));

    [Fact]
    public void WriteQuoted_HtmlSensitiveAsciiAndSlash_AreRaw() =>
        Assert.Equal("\"</script>&'+`\"", EscapeToString("</script>&'+`"));

    [Fact]
    public void WriteQuoted_Del_IsRawByte() => Assert.Equal(new byte[] { 0x22, 0x7F, 0x22 }, Escape("\u007F"));

    [Fact]
    public void WriteQuoted_LineSeparatorU2028_IsRawUtf8() =>
        Assert.Equal(new byte[] { 0x22, 0xE2, 0x80, 0xA8, 0x22 }, Escape("\u2028"));

    [Fact]
    public void WriteQuoted_Cjk_IsRawUtf8() =>
        Assert.Equal(new byte[] { 0x22, 0xE4, 0xB8, 0xAD, 0xE6, 0x96, 0x87, 0x22 }, Escape("中文"));

    [Fact]
    public void WriteQuoted_Emoji_IsRawFourByteUtf8() =>
        Assert.Equal(new byte[] { 0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22 }, Escape("😀"));

    [Fact]
    public void WriteQuoted_LoneSurrogate_IsWrittenAsReplacementCharacter() =>
        Assert.Equal(new byte[] { 0x22, 0x61, 0xEF, 0xBF, 0xBD, 0x62, 0x22 }, Escape("a\uD800b"));

    [Fact]
    public void WriteQuoted_SurrogatePairAcrossSliceBoundary_StaysIntact()
    {
        // 8191 ASCII chars put the pair's high half last in the first 8192-char transcoding slice.
        var value = new string('a', 8191) + "😀" + "z";

        Assert.Equal(Encoding.UTF8.GetBytes("\"" + value + "\""), Escape(value));
    }

    [Fact]
    public void WriteQuoted_MixedText_MatchesSerdeOutput() =>
        Assert.Equal("\"héllo \\\"wörld\\\"\\n😀/\\u0007\u007f\"", EscapeToString("héllo \"wörld\"\n😀/\u0007\u007f"));

    [Fact]
    public void Encode_ChunkWithEscapesAndUnicode_ProducesSerdeBytes()
    {
        var chunk = new ResponseChunk("request-1", "data: {\"t\":\"😀 中 <b>\u2028\"}\n\n\0");

        var json = ProtocolCodec.EncodeToString(chunk);

        Assert.Equal("{\"type\":\"response_chunk\",\"request_id\":\"request-1\",\"chunk\":\"data: {\\\"t\\\":\\\"😀 中 <b>\u2028\\\"}\\n\\n\\u0000\"}", json);
    }

    [Fact]
    public void DecodeWorkerMessage_EscapedUnicodeAndControls_RoundTripToSameBytes()
    {
        var chunk = new ResponseChunk("request-1", "😀\u2028\u007f\0\u001f\"\\/中");
        var bytes = ProtocolCodec.Encode(chunk);

        var decoded = Assert.IsType<ResponseChunk>(ProtocolCodec.DecodeWorkerMessage(bytes).Message);

        Assert.Equal(chunk, decoded);
    }
}
