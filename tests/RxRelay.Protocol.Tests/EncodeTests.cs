using System.Buffers;
using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Tests;

/// <summary>Encoder behaviour beyond the golden frames: overloads and refusals.</summary>
public sealed class EncodeTests
{
    [Fact]
    public void Encode_BufferWriterOverload_AppendsSameBytesAsArrayOverload()
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("prefix"u8);
        var message = new Pong(3, 42);

        ProtocolCodec.Encode(buffer, message);

        Assert.Equal("prefix"u8.ToArray().Concat(ProtocolCodec.Encode(message)), buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Encode_ProxyBufferWriterOverload_WritesGoldenPing()
    {
        var buffer = new ArrayBufferWriter<byte>();

        ProtocolCodec.Encode(buffer, new Ping());

        Assert.Equal("{\"type\":\"ping\"}"u8.ToArray(), buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Encode_LargeBody_IsWrittenCompletely()
    {
        var body = string.Concat(Enumerable.Repeat("{\"content\":\"中文😀\"}", 20_000));
        var request = new WorkerRequest("request-1", "m", "/v1/chat/completions", false, body, new Dictionary<string, string>());

        var decoded = RoundTrip.DecodeProxy<WorkerRequest>(ProtocolCodec.EncodeToString(request));

        Assert.Equal(body, decoded.Body);
    }

    [Fact]
    public void Encode_UnknownNonOtherCancelReason_Throws()
    {
        var cancel = new CancelRequest("request-1", new CancelReason("bored", false));

        Assert.Throws<ArgumentException>(() => ProtocolCodec.Encode(cancel));
    }

    [Fact]
    public void Encode_NullRequiredString_Throws()
    {
        var chunk = new ResponseChunk("request-1", null!);

        Assert.Throws<ArgumentException>(() => ProtocolCodec.Encode(chunk));
    }

    [Fact]
    public void Encode_NullHeaderMap_OmitsHeaders()
    {
        var complete = new ResponseComplete("request-1", 200, null!, "");

        Assert.Equal("""{"type":"response_complete","request_id":"request-1","status_code":200,"body":""}""", ProtocolCodec.EncodeToString(complete));
    }
}
