using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Tests;

/// <summary>What the decoders accept that the encoder never writes, as upstream's serde does.</summary>
public sealed class DecodeLenienceTests
{
    [Fact]
    public void DecodeWorkerMessage_TypeLast_Decodes() =>
        Assert.Equal(new Pong(4), RoundTrip.DecodeWorker<Pong>("""{"current_load":4,"type":"pong"}"""));

    [Fact]
    public void DecodeWorkerMessage_TypeBetweenFields_Decodes() =>
        Assert.Equal(new ResponseChunk("r", "x"), RoundTrip.DecodeWorker<ResponseChunk>("""{"request_id":"r","type":"response_chunk","chunk":"x"}"""));

    [Fact]
    public void DecodeWorkerMessage_UnknownFieldsOfEveryShape_AreIgnored()
    {
        var json = """
            { "x": {"type": "register", "a": [1, {"b": null}, "\u00e9\ud83d\ude00"]}, "type" : "pong",
              "n": -1.5e300, "s": "\"", "t": true, "z": null, "current_load": 2, "arr": [[[]]], "o": {} }
            """;

        Assert.Equal(new Pong(2), RoundTrip.DecodeWorker<Pong>(json));
    }

    [Fact]
    public void DecodeWorkerMessage_RepeatedUnknownField_IsIgnored() =>
        Assert.Equal(new Pong(1), RoundTrip.DecodeWorker<Pong>("""{"type":"pong","x":1,"x":2,"current_load":1}"""));

    [Fact]
    public void DecodeWorkerMessage_ExplicitNullOptionals_MeanAbsent() =>
        Assert.Equal(
            """{"type":"register","worker_name":"w","models":[],"max_concurrent":2}""",
            ProtocolCodec.EncodeToString(RoundTrip.DecodeWorker<Register>("""{"type":"register","worker_name":"w","models":[],"max_concurrent":2,"protocol_version":null,"current_load":null}""")));

    [Fact]
    public void DecodeWorkerMessage_NullBodyAndTokenCounts_MeanAbsent()
    {
        var complete = RoundTrip.DecodeWorker<ResponseComplete>("""{"type":"response_complete","request_id":"r","status_code":200,"body":null,"token_counts":null}""");

        Assert.Null(complete.Body);
        Assert.Null(complete.TokenCounts);
    }

    [Fact]
    public void DecodeWorkerMessage_NullAndUnknownInsideTokenCounts_AreAbsentAndIgnored() =>
        Assert.Equal(
            new TokenCounts(null, 3, null),
            RoundTrip.DecodeWorker<ResponseComplete>("""{"type":"response_complete","request_id":"r","status_code":200,"token_counts":{"prompt_tokens":null,"cached":{"x":1},"completion_tokens":3}}""").TokenCounts);

    [Fact]
    public void DecodeWorkerMessage_MissingHeaders_IsEmptyMap() =>
        Assert.Empty(RoundTrip.DecodeWorker<ResponseComplete>("""{"type":"response_complete","request_id":"r","status_code":200}""").Headers);

    [Fact]
    public void DecodeWorkerMessage_ErrorWithNullRequestId_HasNoRequestId() =>
        Assert.Equal(new ErrorMessage(null, "c", "m"), RoundTrip.DecodeWorker<ErrorMessage>("""{"type":"error","request_id":null,"code":"c","message":"m"}"""));

    [Fact]
    public void DecodeProxyMessage_MissingWarnings_IsEmptyList() =>
        Assert.Empty(RoundTrip.DecodeProxy<RegisterAck>("""{"type":"register_ack","worker_id":"worker-1","models":["m"]}""").Warnings);

    [Fact]
    public void DecodeProxyMessage_RepeatedHeaderKey_LastValueWins() =>
        Assert.Equal(
            "2",
            RoundTrip.DecodeProxy<WorkerRequest>("""{"type":"request","request_id":"r","model":"m","endpoint_path":"/v1/messages","is_streaming":false,"body":"","headers":{"a":"1","a":"2"}}""").Headers["a"]);

    [Fact]
    public void DecodeProxyMessage_EscapedNamesAndTag_MatchAfterUnescaping() =>
        Assert.Equal(new Ping(5), RoundTrip.DecodeProxy<Ping>("""{"typ\u0065":"p\u0069ng","timestamp\u005Funix_ms":5}"""));

    [Fact]
    public void DecodeProxyMessage_WhitespaceBetweenTokens_IsAccepted() =>
        Assert.Equal(new GracefulShutdown("x", 1), RoundTrip.DecodeProxy<GracefulShutdown>(" {\n\t\"type\" : \"graceful_shutdown\" ,\r\n \"reason\" : \"x\" , \"drain_timeout_secs\" : 1 } \n"));

    [Fact]
    public void DecodeProxyMessage_NullGracefulShutdownFields_MeanAbsent() =>
        Assert.Equal(new GracefulShutdown(null, null), RoundTrip.DecodeProxy<GracefulShutdown>("""{"type":"graceful_shutdown","reason":null,"drain_timeout_secs":null}"""));

    [Fact]
    public void DecodeProxyMessage_KnownCancelReasonString_IsStaticValue() =>
        Assert.Equal(CancelReason.RequeueExhausted, RoundTrip.DecodeProxy<CancelRequest>("""{"type":"cancel","request_id":"r","reason":"requeue_exhausted"}""").Reason);

    [Fact]
    public void DecodeProxyMessage_OtherCancelReasonObject_IsOtherWithText() =>
        Assert.Equal(CancelReason.Other("gone \u00e9"), RoundTrip.DecodeProxy<CancelRequest>("""{"type":"cancel","request_id":"r","reason":{"other":"gone \u00e9"}}""").Reason);

    [Fact]
    public void DecodeProxyMessage_UnitCancelReasonInObjectForm_IsStaticValue() =>
        Assert.Equal(CancelReason.Timeout, RoundTrip.DecodeProxy<CancelRequest>("""{"type":"cancel","request_id":"r","reason":{"timeout":null}}""").Reason);

    [Fact]
    public void DecodeWorkerMessage_EscapedSurrogatePair_DecodesToEmoji() =>
        Assert.Equal("😀", RoundTrip.DecodeWorker<ResponseChunk>("""{"type":"response_chunk","request_id":"r","chunk":"\ud83d\ude00"}""").Chunk);

    [Fact]
    public void DecodeWorkerMessage_ZeroAndWidthMaxima_AreAccepted() =>
        Assert.Equal(
            """{"type":"response_complete","request_id":"r","status_code":0,"token_counts":{"prompt_tokens":0,"completion_tokens":4294967295}}""",
            ProtocolCodec.EncodeToString(RoundTrip.DecodeWorker<ResponseComplete>("""{"type":"response_complete","request_id":"r","status_code":0,"token_counts":{"prompt_tokens":0,"completion_tokens":4294967295}}""")));

    [Fact]
    public void DecodeWorkerMessage_DeeplyNestedIgnoredFieldWithinLimit_IsAccepted()
    {
        var junk = new string('[', 100) + new string(']', 100);

        Assert.Equal(new Pong(0), RoundTrip.DecodeWorker<Pong>($$"""{"type":"pong","current_load":0,"junk":{{junk}}}"""));
    }
}
