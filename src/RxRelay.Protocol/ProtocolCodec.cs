using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using RxRelay.Protocol.Json;
using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol;

/// <summary>
/// Byte-exact JSON codec of <c>2026-04-bridge-v1</c>. Encoding is compact, <c>type</c> first, fields in
/// the order of docs/protocol.md#framing, optional fields omitted. Decoding never throws: every failure is a
/// <see cref="ProtocolError"/>.
/// </summary>
public static class ProtocolCodec
{
    // Encode(message) reuses one buffer per thread so that the only allocation is the returned array;
    // a buffer grown by an unusually large message is dropped rather than kept alive.
    private const int RetainedBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_cachedBuffer;

    /// <summary>Encodes a worker → proxy message as UTF-8 JSON.</summary>
    /// <exception cref="ArgumentException">A required field is null, or a cancel reason is not a known one.</exception>
    public static byte[] Encode(WorkerMessage message) => EncodeToArray(message, static (w, m) => MessageEncoder.Write(w, m));

    /// <summary>Encodes a proxy → worker message as UTF-8 JSON.</summary>
    /// <exception cref="ArgumentException">A required field is null, or a cancel reason is not a known one.</exception>
    public static byte[] Encode(ProxyMessage message) => EncodeToArray(message, static (w, m) => MessageEncoder.Write(w, m));

    /// <summary>Appends the UTF-8 JSON of a worker → proxy message to <paramref name="destination"/>, allocating nothing itself.</summary>
    public static void Encode(IBufferWriter<byte> destination, WorkerMessage message) =>
        MessageEncoder.Write(new ProtocolWriter(destination), message);

    /// <summary>Appends the UTF-8 JSON of a proxy → worker message to <paramref name="destination"/>, allocating nothing itself.</summary>
    public static void Encode(IBufferWriter<byte> destination, ProxyMessage message) =>
        MessageEncoder.Write(new ProtocolWriter(destination), message);

    /// <summary>Encodes a worker → proxy message as a JSON string (for logs and tests; the wire takes bytes).</summary>
    public static string EncodeToString(WorkerMessage message) => Encoding.UTF8.GetString(Encode(message));

    /// <summary>Encodes a proxy → worker message as a JSON string (for logs and tests; the wire takes bytes).</summary>
    public static string EncodeToString(ProxyMessage message) => Encoding.UTF8.GetString(Encode(message));

    /// <summary>Decodes one text frame sent by a worker.</summary>
    public static DecodeResult<WorkerMessage> DecodeWorkerMessage(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var type = FrameScanner.FindType(utf8Json, WorkerMessageDecoder.Types);
            return new(WorkerMessageDecoder.Decode(utf8Json, type), null);
        }
        catch (Exception ex) when (IsDecodeFailure(ex))
        {
            return new(null, ToError(ex));
        }
    }

    /// <summary>Decodes one text frame sent by the proxy.</summary>
    public static DecodeResult<ProxyMessage> DecodeProxyMessage(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var type = FrameScanner.FindType(utf8Json, ProxyMessageDecoder.Types);
            return new(ProxyMessageDecoder.Decode(utf8Json, type), null);
        }
        catch (Exception ex) when (IsDecodeFailure(ex))
        {
            return new(null, ToError(ex));
        }
    }

    /// <summary>Decodes one text frame sent by a worker, given as a string (an unpaired surrogate in it is <see cref="ProtocolErrorKind.InvalidJson"/>).</summary>
    public static DecodeResult<WorkerMessage> DecodeWorkerMessage(string json) =>
        WithUtf8(json, static bytes => DecodeWorkerMessage(bytes), static error => new DecodeResult<WorkerMessage>(null, error));

    /// <summary>Decodes one text frame sent by the proxy, given as a string (an unpaired surrogate in it is <see cref="ProtocolErrorKind.InvalidJson"/>).</summary>
    public static DecodeResult<ProxyMessage> DecodeProxyMessage(string json) =>
        WithUtf8(json, static bytes => DecodeProxyMessage(bytes), static error => new DecodeResult<ProxyMessage>(null, error));

    private static byte[] EncodeToArray<T>(T message, Action<ProtocolWriter, T> write)
    {
        var buffer = s_cachedBuffer ?? new ArrayBufferWriter<byte>(1024);
        s_cachedBuffer = null; // not reentrant-safe otherwise, should a writer ever call back in
        try
        {
            write(new ProtocolWriter(buffer), message);
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            buffer.ResetWrittenCount();
            if (buffer.Capacity <= RetainedBufferBytes)
            {
                s_cachedBuffer = buffer;
            }
        }
    }

    private delegate DecodeResult<T> Utf8Decoder<T>(ReadOnlySpan<byte> utf8) where T : class;

    private static DecodeResult<T> WithUtf8<T>(string json, Utf8Decoder<T> decode, Func<ProtocolError, DecodeResult<T>> fail)
        where T : class
    {
        if (json is null)
        {
            return fail(new ProtocolError(ProtocolErrorKind.InvalidJson, "empty input"));
        }

        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var status = Utf8.FromUtf16(json, rented, out _, out var written, replaceInvalidSequences: false);
            return status == OperationStatus.Done
                ? decode(rented.AsSpan(0, written))
                : fail(new ProtocolError(ProtocolErrorKind.InvalidJson, "input holds an unpaired surrogate"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // Utf8JsonReader reports malformed JSON with JsonException, and a few misuse paths with
    // InvalidOperationException / ArgumentException / FormatException; all of them mean "bad frame" here.
    private static bool IsDecodeFailure(Exception ex) =>
        ex is ProtocolDecodeException or JsonException or InvalidOperationException or ArgumentException or FormatException or OverflowException;

    private static ProtocolError ToError(Exception ex) => ex is ProtocolDecodeException decode
        ? decode.Error
        : new ProtocolError(ProtocolErrorKind.InvalidJson, $"invalid JSON: {ex.Message}");
}

/// <summary>The outcome of a decode: exactly one of <see cref="Message"/> and <see cref="Error"/> is set.</summary>
public readonly record struct DecodeResult<T>(T? Message, ProtocolError? Error) where T : class
{
    /// <summary>True when a message was decoded.</summary>
    public bool IsSuccess => Message is not null;
}

/// <summary>A typed decode failure that names the problem.</summary>
/// <param name="Kind">The rule that was broken.</param>
/// <param name="Detail">Human-readable text naming the field and problem, e.g. <c>field 'status_code': 70000 does not fit u16</c>.</param>
public sealed record ProtocolError(ProtocolErrorKind Kind, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Detail}";
}

/// <summary>The kinds of decode failure.</summary>
public enum ProtocolErrorKind
{
    /// <summary>Not valid JSON / not UTF-8.</summary>
    InvalidJson,
    /// <summary>Valid JSON that is not an object.</summary>
    NotAnObject,
    /// <summary>No <c>type</c> field, or not a string.</summary>
    MissingType,
    /// <summary>A <c>type</c> this side does not know.</summary>
    UnknownType,
    /// <summary>A required field is absent (or null).</summary>
    MissingField,
    /// <summary>A field has the wrong JSON kind (e.g. a number where a string belongs, an explicit null header map).</summary>
    WrongFieldType,
    /// <summary>An integer that is negative, fractional or too wide for its field.</summary>
    IntegerOutOfRange,
    /// <summary>A known field (or <c>type</c>) appears more than once in one object; serde refuses that.</summary>
    DuplicateField,
}
