using System.Text;
using RxRelay.Bench.Load;

namespace RxRelay.Bench.Streams;

/// <summary>
/// Reads one HTTP/1.1 response as it arrives in arbitrary pieces: status line and headers (kept until
/// the blank line, at most <see cref="MaxHeadBytes"/>), then a chunked, fixed-length or until-close
/// body whose decoded bytes go through an <see cref="SseChunkCounter"/>. After the head, nothing is
/// copied or allocated per read. Bad input ends in <see cref="Error"/>, never in unbounded buffering.
/// </summary>
internal sealed class HttpStreamParser
{
    /// <summary>A head larger than this is an error (every server here sends a few hundred bytes).</summary>
    public const int MaxHeadBytes = 16 * 1024;

    private const int ErrorBodyBytes = 160;

    private readonly List<byte> _head = new(512);
    private readonly List<byte> _errorBody = [];
    private SseChunkCounter _counter;
    private State _state = State.Head;
    private long _remaining;
    private int _sizeDigits;
    private int _trailerLineLength;

    private enum State { Head, ChunkSize, ChunkExtension, ChunkSizeLf, ChunkData, ChunkDataCr, ChunkDataLf, Trailer, FixedBody, UntilClose, Done, Failed }

    /// <summary>The status code, 0 until the head was read.</summary>
    public int StatusCode { get; private set; }

    /// <summary>Decoded body bytes so far (chunk framing excluded).</summary>
    public long BodyBytes { get; private set; }

    /// <summary>The body ended as its framing says (terminal chunk, Content-Length reached, or close for an unframed body).</summary>
    public bool IsComplete => _state == State.Done;

    /// <summary>Why the response could not be read, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>SSE events: <c>data:</c> lines, <c>data: [DONE]</c> included.</summary>
    public int Events => _counter.Chunks + _counter.DoneLines;

    /// <summary>The start of a non-200 answer's body, for the error text.</summary>
    public string ErrorBody => Encoding.UTF8.GetString([.. _errorBody]).ReplaceLineEndings(" ").Trim();

    /// <summary>Feeds the next bytes read from the socket.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty && _state is not (State.Done or State.Failed))
        {
            bytes = bytes[Step(bytes)..];
        }
    }

    /// <summary>The peer closed the connection: completes an until-close body, anything else unfinished is truncated.</summary>
    public void EndOfInput()
    {
        if (_state == State.UntilClose)
        {
            Finish();
        }
        else if (_state is not (State.Done or State.Failed))
        {
            Fail(_state == State.Head ? "connection closed before the response head" : $"connection closed mid-body after {Events} events");
        }
    }

    // Consumes a prefix of bytes and returns its length.
    private int Step(ReadOnlySpan<byte> bytes) => _state switch
    {
        State.Head => ReadHead(bytes),
        State.ChunkData or State.FixedBody => ReadBody(bytes),
        State.UntilClose => Body(bytes),
        State.Trailer => ReadTrailer(bytes[0]),
        _ => ReadFraming(bytes[0]),
    };

    private int ReadHead(ReadOnlySpan<byte> bytes)
    {
        var used = 0;
        foreach (var b in bytes)
        {
            used++;
            _head.Add(b);
            if (_head.Count > MaxHeadBytes)
            {
                return Fail($"response head longer than {MaxHeadBytes} bytes");
            }

            if (b == (byte)'\n' && _head.Count >= 4 && _head[^2] == '\r' && _head[^3] == '\n' && _head[^4] == '\r')
            {
                ParseHead();
                return used;
            }
        }

        return used;
    }

    private void ParseHead()
    {
        var text = Encoding.ASCII.GetString([.. _head]);
        _head.Clear();
        _head.Capacity = 0; // 10,000 open streams: keep nothing per stream that is no longer needed
        var lines = text.Split("\r\n");
        var status = lines[0].Split(' ');
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(status[1], out var code))
        {
            Fail($"not an HTTP/1.x status line: '{lines[0]}'");
            return;
        }

        StatusCode = code;
        bool chunked = false;
        long? length = null;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = colon > 0 ? (line[..colon].Trim(), line[(colon + 1)..].Trim()) : ("", "");
            chunked |= name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            length = name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, out var n) && n >= 0 ? n : length;
        }

        _state = chunked ? State.ChunkSize : length is not null ? State.FixedBody : State.UntilClose;
        _remaining = length ?? 0;
        if (_state == State.FixedBody && _remaining == 0)
        {
            Finish();
        }
    }

    private int ReadBody(ReadOnlySpan<byte> bytes)
    {
        var take = (int)Math.Min(_remaining, bytes.Length);
        Body(bytes[..take]);
        _remaining -= take;
        if (_remaining == 0)
        {
            if (_state == State.FixedBody)
            {
                Finish();
            }
            else
            {
                _state = State.ChunkDataCr;
            }
        }

        return take;
    }

    private int Body(ReadOnlySpan<byte> data)
    {
        BodyBytes += data.Length;
        _counter.Feed(data);
        if (StatusCode != 200 && _errorBody.Count < ErrorBodyBytes)
        {
            _errorBody.AddRange(data[..Math.Min(data.Length, ErrorBodyBytes - _errorBody.Count)]);
        }

        return data.Length;
    }

    // One byte of chunk framing: the hex size line and the CRLF after the data.
    private int ReadFraming(byte b)
    {
        switch (_state)
        {
            case State.ChunkSize when HexDigit(b) is var digit and >= 0:
                if (++_sizeDigits > 12)
                {
                    return Fail("chunk size too large");
                }

                _remaining = (_remaining * 16) + digit;
                return 1;
            case State.ChunkSize when _sizeDigits > 0 && (b == ';' || b == ' ' || b == '\t'):
                _state = State.ChunkExtension;
                return 1;
            case State.ChunkSize or State.ChunkExtension when _sizeDigits > 0 && b == '\r':
                _state = State.ChunkSizeLf;
                return 1;
            case State.ChunkExtension when b != '\n':
                return 1;
            case State.ChunkSizeLf when b == '\n':
                _sizeDigits = 0;
                _state = _remaining == 0 ? State.Trailer : State.ChunkData;
                return 1;
            case State.ChunkDataCr when b == '\r':
                _state = State.ChunkDataLf;
                return 1;
            case State.ChunkDataLf when b == '\n':
                _state = State.ChunkSize;
                return 1;
            default:
                return Fail($"bad chunked framing (byte 0x{b:x2} in {_state})");
        }
    }

    // Trailer lines after the terminal chunk, up to the blank line that ends the response.
    private int ReadTrailer(byte b)
    {
        if (b == '\n')
        {
            if (_trailerLineLength == 0)
            {
                Finish();
            }

            _trailerLineLength = 0;
        }
        else if (b != '\r' && ++_trailerLineLength > MaxHeadBytes)
        {
            return Fail("trailer line too long");
        }

        return 1;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private void Finish()
    {
        _counter.Complete();
        _state = State.Done;
    }

    private int Fail(string error)
    {
        Error ??= error;
        _state = State.Failed;
        return 0;
    }
}
