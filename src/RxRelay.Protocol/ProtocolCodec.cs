using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol;

/// <summary>
/// Byte-exact JSON codec of <c>2026-04-bridge-v1</c>. Encoding is compact, <c>type</c> first, fields in
/// the reference's order, optional fields omitted. Decoding never throws: every failure is a
/// <see cref="ProtocolError"/>.
/// </summary>
public static class ProtocolCodec
{
    /// <summary>Encodes a worker → proxy message as UTF-8 JSON.</summary>
    public static byte[] Encode(WorkerMessage message) => throw new NotImplementedException("codec lands with the protocol work");

    /// <summary>Encodes a proxy → worker message as UTF-8 JSON.</summary>
    public static byte[] Encode(ProxyMessage message) => throw new NotImplementedException("codec lands with the protocol work");

    /// <summary>Decodes one text frame sent by a worker.</summary>
    public static DecodeResult<WorkerMessage> DecodeWorkerMessage(ReadOnlySpan<byte> utf8Json) => throw new NotImplementedException("codec lands with the protocol work");

    /// <summary>Decodes one text frame sent by the proxy.</summary>
    public static DecodeResult<ProxyMessage> DecodeProxyMessage(ReadOnlySpan<byte> utf8Json) => throw new NotImplementedException("codec lands with the protocol work");
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
}
