using System.Text;

namespace RxRelay.Protocol.Tests;

/// <summary>Every message type encodes to its golden frame, and the golden frame decodes back to the same bytes.</summary>
public sealed class GoldenFrameTests
{
    [Theory]
    [MemberData(nameof(GoldenFrames.ProxyNames), MemberType = typeof(GoldenFrames))]
    public void EncodeProxy_GoldenMessage_ProducesGoldenBytes(string name)
    {
        var (message, json) = GoldenFrames.Proxy[name];

        Assert.Equal(json, Encoding.UTF8.GetString(ProtocolCodec.Encode(message)));
    }

    [Theory]
    [MemberData(nameof(GoldenFrames.ProxyNames), MemberType = typeof(GoldenFrames))]
    public void DecodeProxyMessage_GoldenFrame_ReencodesToGoldenBytes(string name)
    {
        var (message, json) = GoldenFrames.Proxy[name];

        var decoded = ProtocolCodec.DecodeProxyMessage(Encoding.UTF8.GetBytes(json));

        Assert.Null(decoded.Error);
        Assert.IsType(message.GetType(), decoded.Message);
        Assert.Equal(json, ProtocolCodec.EncodeToString(decoded.Message!));
    }

    [Theory]
    [MemberData(nameof(GoldenFrames.WorkerNames), MemberType = typeof(GoldenFrames))]
    public void EncodeWorker_GoldenMessage_ProducesGoldenBytes(string name)
    {
        var (message, json) = GoldenFrames.Worker[name];

        Assert.Equal(json, Encoding.UTF8.GetString(ProtocolCodec.Encode(message)));
    }

    [Theory]
    [MemberData(nameof(GoldenFrames.WorkerNames), MemberType = typeof(GoldenFrames))]
    public void DecodeWorkerMessage_GoldenFrame_ReencodesToGoldenBytes(string name)
    {
        var (message, json) = GoldenFrames.Worker[name];

        var decoded = ProtocolCodec.DecodeWorkerMessage(Encoding.UTF8.GetBytes(json));

        Assert.Null(decoded.Error);
        Assert.IsType(message.GetType(), decoded.Message);
        Assert.Equal(json, ProtocolCodec.EncodeToString(decoded.Message!));
    }
}
