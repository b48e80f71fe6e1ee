using RxRelay.Protocol.Messages;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>Frames as text, so exact assertions compare header maps by content and print readable diffs.</summary>
internal static class FrameText
{
    public static string Describe(WorkerMessage message) => message switch
    {
        ResponseComplete c => $"response_complete {c.RequestId} {c.StatusCode} {Describe(c.Headers)} body={c.Body ?? "<none>"}",
        ResponseChunk c => $"response_chunk {c.RequestId} {c.Chunk}",
        ModelsUpdate u => $"models_update [{string.Join(",", u.Models)}] load={u.CurrentLoad}",
        _ => message.ToString(),
    };

    public static string Describe(IReadOnlyDictionary<string, string> headers)
        => "{" + string.Join(", ", headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {h.Value}")) + "}";

    public static void AssertEqual(WorkerMessage expected, WorkerMessage actual)
        => Assert.Equal(Describe(expected), Describe(actual));
}
