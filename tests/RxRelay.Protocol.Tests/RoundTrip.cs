using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Tests;

/// <summary>
/// Round-trip helpers. Records holding lists and dictionaries compare by reference, so "the same message"
/// is checked as "decodes to the same type and re-encodes to the same bytes".
/// </summary>
internal static class RoundTrip
{
    /// <summary>Encodes, decodes and re-encodes; returns the JSON after asserting both encodings agree.</summary>
    public static string Assert(ProxyMessage message)
    {
        var json = ProtocolCodec.Encode(message);
        var decoded = ProtocolCodec.DecodeProxyMessage(json);
        Xunit.Assert.Null(decoded.Error);
        Xunit.Assert.IsType(message.GetType(), decoded.Message);
        Xunit.Assert.Equal(json, ProtocolCodec.Encode(decoded.Message!));
        return ProtocolCodec.EncodeToString(message);
    }

    /// <inheritdoc cref="Assert(ProxyMessage)"/>
    public static string Assert(WorkerMessage message)
    {
        var json = ProtocolCodec.Encode(message);
        var decoded = ProtocolCodec.DecodeWorkerMessage(json);
        Xunit.Assert.Null(decoded.Error);
        Xunit.Assert.IsType(message.GetType(), decoded.Message);
        Xunit.Assert.Equal(json, ProtocolCodec.Encode(decoded.Message!));
        return ProtocolCodec.EncodeToString(message);
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
