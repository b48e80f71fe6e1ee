using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Tests;

/// <summary>
/// Round-trip helpers. Records holding lists and dictionaries compare by reference, so "the same message"
/// is checked as "decodes to the same type and re-encodes to the same bytes".
/// </summary>
internal static class RoundTrip
{
    /// <summary>Encodes, decodes and re-encodes; returns the JSON after asserting both encodings agree.</summary>
    public static string Assert(ProxyMessage message) =>
        Assert(message, ProtocolCodec.Encode, static json => ProtocolCodec.DecodeProxyMessage(json));

    /// <inheritdoc cref="Assert(ProxyMessage)"/>
    public static string Assert(WorkerMessage message) =>
        Assert(message, ProtocolCodec.Encode, static json => ProtocolCodec.DecodeWorkerMessage(json));

    private static string Assert<TMessage>(TMessage message, Func<TMessage, byte[]> encode, Func<byte[], DecodeResult<TMessage>> decode)
        where TMessage : class
    {
        var json = encode(message);
        var decoded = decode(json);
        Xunit.Assert.Null(decoded.Error);
        Xunit.Assert.IsType(message.GetType(), decoded.Message);
        Xunit.Assert.Equal(json, encode(decoded.Message!));
        return System.Text.Encoding.UTF8.GetString(encode(message));
    }

    /// <summary>Decodes a worker frame that must be valid.</summary>
    public static T DecodeWorker<T>(string json) where T : WorkerMessage
    {
        var result = ProtocolCodec.DecodeWorkerMessage(json);
        Xunit.Assert.Null(result.Error);
        return Xunit.Assert.IsType<T>(result.Message);
    }

    /// <summary>Decodes a proxy frame that must be valid.</summary>
    public static T DecodeProxy<T>(string json) where T : ProxyMessage
    {
        var result = ProtocolCodec.DecodeProxyMessage(json);
        Xunit.Assert.Null(result.Error);
        return Xunit.Assert.IsType<T>(result.Message);
    }
}
