using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using RxRelay.Protocol;
using RxRelay.Protocol.Messages;

namespace RxRelay.Bench.Micro;

/// <summary>
/// <see cref="ProtocolCodec"/> on the three per-request frames, with payloads shaped like the relay's
/// real traffic: a small chat request with forwarded headers, one OpenAI SSE chunk (quotes and
/// newlines to escape), a non-streaming completion. <c>Encode</c> is the byte[] overload both programs
/// call today; <c>EncodeTo</c> the <see cref="IBufferWriter{T}"/> overload into a reused buffer.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "BenchmarkDotNet benchmarks are instance methods.")]
[SuppressMessage("Maintainability", "CA1515:Consider making public types internal", Justification = "BenchmarkDotNet requires public, unsealed benchmark classes.")]
public class CodecBenchmarks
{
    private static readonly WorkerRequest Request = new(
        "request-12345",
        "echo",
        "/v1/chat/completions",
        IsStreaming: true,
        """{"model":"echo","stream":true,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello in exactly three words."}]}""",
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["accept"] = "text/event-stream",
            ["authorization"] = "Bearer sk-test-0123456789abcdef",
            ["content-type"] = "application/json",
            ["user-agent"] = "OpenAI/Python 1.54.0",
        });

    private static readonly ResponseChunk Chunk = new(
        "request-12345",
        "data: {\"id\":\"chatcmpl-echo-42\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,\"model\":\"echo\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" hello\"},\"finish_reason\":null}]}\n\n");

    private static readonly ResponseComplete Complete = new(
        "request-12345",
        200,
        new Dictionary<string, string>(StringComparer.Ordinal) { ["content-type"] = "application/json" },
        """{"id":"chatcmpl-echo-42","object":"chat.completion","created":1767225600,"model":"echo","choices":[{"index":0,"message":{"role":"assistant","content":"Say hello in exactly three words."},"finish_reason":"stop"}],"usage":{"prompt_tokens":6,"completion_tokens":6,"total_tokens":12}}""");

    private static readonly byte[] RequestJson = ProtocolCodec.Encode(Request);
    private static readonly byte[] ChunkJson = ProtocolCodec.Encode(Chunk);
    private static readonly byte[] CompleteJson = ProtocolCodec.Encode(Complete);

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    [Benchmark]
    public byte[] EncodeRequest() => ProtocolCodec.Encode(Request);

    [Benchmark]
    public int EncodeToRequest() => EncodeTo(Request);

    [Benchmark]
    public ProxyMessage? DecodeRequest() => ProtocolCodec.DecodeProxyMessage(RequestJson).Message;

    [Benchmark]
    public byte[] EncodeChunk() => ProtocolCodec.Encode(Chunk);

    [Benchmark]
    public int EncodeToChunk() => EncodeTo(Chunk);

    [Benchmark]
    public WorkerMessage? DecodeChunk() => ProtocolCodec.DecodeWorkerMessage(ChunkJson).Message;

    [Benchmark]
    public byte[] EncodeComplete() => ProtocolCodec.Encode(Complete);

    [Benchmark]
    public int EncodeToComplete() => EncodeTo(Complete);

    [Benchmark]
    public WorkerMessage? DecodeComplete() => ProtocolCodec.DecodeWorkerMessage(CompleteJson).Message;

    private int EncodeTo(ProxyMessage message)
    {
        _buffer.ResetWrittenCount();
        ProtocolCodec.Encode(_buffer, message);
        return _buffer.WrittenCount;
    }

    private int EncodeTo(WorkerMessage message)
    {
        _buffer.ResetWrittenCount();
        ProtocolCodec.Encode(_buffer, message);
        return _buffer.WrittenCount;
    }
}
