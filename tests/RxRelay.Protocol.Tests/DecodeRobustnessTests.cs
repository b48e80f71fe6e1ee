using System.Text;
using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Tests;

/// <summary>The decoders never throw: whatever the bytes, each call yields a message or a <see cref="ProtocolError"/>.</summary>
public sealed class DecodeRobustnessTests
{
    private const int Seed = 20260401;
    private const int FrameCount = 100_000;

    // Fragments that steer mutations towards the reader's edge cases rather than pure noise.
    private static readonly byte[][] Fragments =
    [
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "\""u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(),
        "\\"u8.ToArray(), "\\u"u8.ToArray(), "\\ud800"u8.ToArray(), "\\udc00"u8.ToArray(), "\\ud83d\\ude00"u8.ToArray(),
        "null"u8.ToArray(), "true"u8.ToArray(), "-"u8.ToArray(), "-0"u8.ToArray(), "1e999"u8.ToArray(), ".5"u8.ToArray(),
        "18446744073709551616"u8.ToArray(), "\"type\":"u8.ToArray(), "\"type\":\"pong\","u8.ToArray(), "/*"u8.ToArray(),
        [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98], [0x00], [0xEF, 0xBB, 0xBF],
    ];

    [Fact]
    public void Decode_HundredThousandMutatedFrames_NeverThrows()
    {
        var random = new Random(Seed);
        var seeds = GoldenFrames.Proxy.Values.Select(g => g.Json)
            .Concat(GoldenFrames.Worker.Values.Select(g => g.Json))
            .Select(Encoding.UTF8.GetBytes)
            .ToArray();

        for (var i = 0; i < FrameCount; i++)
        {
            var frame = i % 10 == 0 ? RandomBytes(random) : Mutate(random, seeds[random.Next(seeds.Length)]);
            AssertNeverThrows(frame);
        }
    }

    [Fact]
    public void Decode_SuccessfulDecode_ReencodesToAFrameThatDecodesToTheSameBytes()
    {
        // Whatever a decoder accepts, the encoder can write, and that writing is a fixed point.
        var random = new Random(Seed + 1);
        var seeds = GoldenFrames.Worker.Values.Select(g => Encoding.UTF8.GetBytes(g.Json)).ToArray();
        var accepted = 0;

        for (var i = 0; i < 20_000; i++)
        {
            var frame = Mutate(random, seeds[random.Next(seeds.Length)]);
            if (ProtocolCodec.DecodeWorkerMessage(frame).Message is { } message)
            {
                var encoded = ProtocolCodec.Encode(message);
                Assert.Equal(encoded, ProtocolCodec.Encode(ProtocolCodec.DecodeWorkerMessage(encoded).Message!));
                accepted++;
            }
        }

        Assert.True(accepted > 100, $"only {accepted} mutated frames were accepted; the mutations are too destructive to test this");
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x5C })]
    [InlineData(new byte[] { 0x22, 0x5C, 0x75, 0x44 })]
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3A, 0x22, 0x5C, 0x75, 0x64, 0x38, 0x30, 0x30 })]
    [InlineData(new byte[] { 0x5B, 0x5B, 0x5B })]
    [InlineData(new byte[] { 0x00 })]
    public void Decode_TruncatedEscapesAndNesting_ReturnsInvalidJsonWithoutThrowing(byte[] frame)
    {
        AssertNeverThrows(frame);

        Assert.Equal(ProtocolErrorKind.InvalidJson, ProtocolCodec.DecodeWorkerMessage(frame).Error?.Kind);
    }

    private static void AssertNeverThrows(byte[] frame)
    {
        try
        {
            var worker = ProtocolCodec.DecodeWorkerMessage(frame);
            var proxy = ProtocolCodec.DecodeProxyMessage(frame);
            Assert.True((worker.Message is null) != (worker.Error is null), Describe(frame));
            Assert.True((proxy.Message is null) != (proxy.Error is null), Describe(frame));
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"decoder threw {ex.GetType().Name} ({ex.Message}) for {Describe(frame)}");
        }
    }

    private static string Describe(byte[] frame) => $"frame {Convert.ToHexString(frame)} ({Encoding.UTF8.GetString(frame)})";

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 64)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var frame = new List<byte>(seed);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = frame.Count == 0 ? 0 : random.Next(frame.Count);
            switch (random.Next(5))
            {
                case 0 when frame.Count > 0:
                    frame[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    frame.RemoveRange(at, frame.Count - at);
                    break;
                case 2:
                    frame.InsertRange(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 3 when frame.Count > 0:
                    frame.RemoveAt(at);
                    break;
                default:
                    frame.Insert(at, (byte)random.Next(256));
                    break;
            }
        }

        return [.. frame];
    }
}
