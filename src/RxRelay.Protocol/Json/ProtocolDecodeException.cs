namespace RxRelay.Protocol.Json;

/// <summary>
/// Carries a <see cref="ProtocolError"/> from deep inside a decode to <see cref="ProtocolCodec"/>,
/// which turns it into a <see cref="DecodeResult{T}"/>. It never escapes the codec. An exception keeps
/// the field readers linear; Utf8JsonReader throws on malformed JSON anyway, so the codec has to catch
/// there regardless, and the success path never throws.
/// </summary>
#pragma warning disable CA1032, CA1064 // Internal carrier, never constructed or caught outside the codec.
internal sealed class ProtocolDecodeException(ProtocolError error) : Exception(error.Detail)
#pragma warning restore CA1032, CA1064
{
    /// <summary>The error to report.</summary>
    public ProtocolError Error { get; } = error;

    /// <summary>Shorthand for <c>new ProtocolDecodeException(new ProtocolError(kind, detail))</c>.</summary>
    public static ProtocolDecodeException Of(ProtocolErrorKind kind, string detail) => new(new ProtocolError(kind, detail));
}
