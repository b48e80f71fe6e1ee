using System.Buffers;
using System.Text;
using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Tests;

/// <summary>
/// The per-request frames (<c>request</c>, <c>response_chunk</c>, <c>response_complete</c>) allocate only
/// what the caller keeps: the strings, the record, the header map. Bounds are loose; they catch a
/// regression to reflection-based serialization or per-field buffers, not a few bytes.
/// </summary>
public sealed class HotPathAllocationTests
{
    private static long AllocatedBy(Action action)
    {
        action(); // warm up: static tables, JIT, pools
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void DecodeWorkerMessage_ResponseChunk_AllocatesLittleBeyondTheStrings()
    {
        var chunk = new string('x', 4000);
        var frame = Encoding.UTF8.GetBytes($$"""{"type":"response_chunk","request_id":"request-1","chunk":"{{chunk}}"}""");

        var allocated = AllocatedBy(() => ProtocolCodec.DecodeWorkerMessage(frame));

        // The chunk string alone is ~8 KB of UTF-16.
        Assert.InRange(allocated, 8000, 8000 + 256);
    }

    [Fact]
    public void Encode_ResponseChunkIntoBufferWriter_AllocatesNothing()
    {
        var message = new ResponseChunk("request-1", "data: {\"choices\":[{\"delta\":{\"content\":\"中文😀\"}}]}\n\n");
        var buffer = new ArrayBufferWriter<byte>(4096);

        var allocated = AllocatedBy(() =>
        {
            buffer.ResetWrittenCount();
            ProtocolCodec.Encode(buffer, message);
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void DecodeWorkerMessage_ResponseCompleteWithHeaders_AllocatesOnlyTheMessage()
    {
        var frame = Encoding.UTF8.GetBytes("""{"type":"response_complete","request_id":"request-1","status_code":200,"headers":{"content-type":"application/json"},"body":"{}"}""");

        var allocated = AllocatedBy(() => ProtocolCodec.DecodeWorkerMessage(frame));

        // record + 5 short strings + a one-entry Dictionary.
        Assert.InRange(allocated, 1, 1024);
    }
}
