using RxRelay.Protocol.Json;

namespace RxRelay.Protocol.Tests.Json;

public sealed class Utf8OrdinalComparerTests
{
    [Fact]
    public void Compare_UppercaseAndLowercase_OrdersByByteValue() =>
        Assert.True(Utf8OrdinalComparer.Instance.Compare("X-A", "content-type") < 0);

    [Fact]
    public void Compare_Prefix_SortsBeforeLongerKey() =>
        Assert.True(Utf8OrdinalComparer.Instance.Compare("x", "x-a") < 0);

    [Fact]
    public void Compare_SupplementaryVersusPrivateUse_FollowsUtf8NotUtf16Order()
    {
        // U+1F600 is F0.. in UTF-8 and sorts after U+E000 (EE..), although its UTF-16 high surrogate D83D < E000.
        Assert.True(Utf8OrdinalComparer.Instance.Compare("\uE000", "😀") < 0);
    }

    [Fact]
    public void Encode_HeadersWithNonAsciiKeys_SortedByUtf8Bytes()
    {
        var complete = new Messages.ResponseComplete(
            "r",
            200,
            new Dictionary<string, string> { ["😀"] = "1", ["\uE000"] = "2", ["é"] = "3", ["z"] = "4" },
            null);

        var json = ProtocolCodec.EncodeToString(complete);

        Assert.Equal("{\"type\":\"response_complete\",\"request_id\":\"r\",\"status_code\":200,\"headers\":{\"z\":\"4\",\"é\":\"3\",\"\uE000\":\"2\",\"😀\":\"1\"}}", json);
    }
}
