namespace RxRelay.Bench.Load;

/// <summary>
/// Counts SSE <c>data: </c> lines other than <c>data: [DONE]</c> in a byte stream that arrives in
/// arbitrary pieces (a line may be split across reads). Only the start of a line matters, so it keeps
/// a 13-byte prefix and the line length, nothing else: no string and no allocation per read.
/// </summary>
internal struct SseChunkCounter
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;
    private static ReadOnlySpan<byte> DoneLine => "data: [DONE]"u8;

    private PrefixBuffer _prefix;
    private int _lineLength;

    /// <summary>Data lines seen so far, <c>[DONE]</c> excluded.</summary>
    public int Chunks { get; private set; }

    /// <summary><c>data: [DONE]</c> lines seen so far (the streams cell counts them as events too).</summary>
    public int DoneLines { get; private set; }

    /// <summary>Feeds the next piece of the body.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b == (byte)'\n')
            {
                EndLine();
                continue;
            }

            if (_lineLength < PrefixBuffer.Size)
            {
                _prefix[_lineLength] = b;
            }

            _lineLength++;
        }
    }

    /// <summary>Counts a last line that had no newline.</summary>
    public void Complete()
    {
        if (_lineLength > 0)
        {
            EndLine();
        }
    }

    private void EndLine()
    {
        ReadOnlySpan<byte> kept = _prefix;
        var line = kept[..Math.Min(_lineLength, PrefixBuffer.Size)];
        var wholeLineKept = _lineLength <= PrefixBuffer.Size;
        if (wholeLineKept && line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        var isDone = wholeLineKept && line.SequenceEqual(DoneLine);
        if (isDone)
        {
            DoneLines++;
        }
        else if (line.StartsWith(DataPrefix))
        {
            Chunks++;
        }

        _lineLength = 0;
    }

    [System.Runtime.CompilerServices.InlineArray(Size)]
    private struct PrefixBuffer
    {
        public const int Size = 13; // "data: [DONE]" plus a possible '\r'
        private byte _first;
    }
}
