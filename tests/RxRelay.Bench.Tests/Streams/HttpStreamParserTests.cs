using System.Text;
using RxRelay.Bench.Streams;

namespace RxRelay.Bench.Tests.Streams;

/// <summary>The streams cell's response reader: exact event counts whatever the read boundaries, and every bad end an error.</summary>
public sealed class HttpStreamParserTests
{
    private const string ChunkedHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

    // Three SSE events in two chunks (the second split mid-line), then [DONE] and the terminal chunk.
    private static readonly string ChunkedResponse = ChunkedHead
        + Chunk("data: {\"n\":1}\n\ndata: {\"n\"") + Chunk(":2}\n\ndata: {\"n\":3}\n\n") + Chunk("data: [DONE]\n\n") + "0\r\n\r\n";

    [Fact]
    public void Feed_ChunkedResponseOneByteAtATime_CountsEveryEventAndCompletes()
    {
        var parser = new HttpStreamParser();

        foreach (var b in Encoding.ASCII.GetBytes(ChunkedResponse))
        {
            parser.Feed([b]);
        }

        Assert.Equal((200, 4, true, (string?)null), (parser.StatusCode, parser.Events, parser.IsComplete, parser.Error));
        Assert.Null(RawStreamClient.Check(parser, expectedEvents: 4));
    }

    [Fact]
    public void Feed_ChunkedResponseInOnePiece_CountsTheSameAsByteByByte()
    {
        var parser = Parse(ChunkedResponse);

        Assert.Equal((4, true, 59L), (parser.Events, parser.IsComplete, parser.BodyBytes));
    }

    [Fact]
    public void EndOfInput_BeforeTheTerminalChunk_IsATruncationError()
    {
        var parser = Parse(ChunkedHead + Chunk("data: {\"n\":1}\n\ndata: {\"n\":2}\n\n"));

        parser.EndOfInput();

        Assert.False(parser.IsComplete);
        Assert.Equal("connection closed mid-body after 2 events (HTTP 200)", RawStreamClient.Check(parser, expectedEvents: 4));
    }

    [Fact]
    public void Check_CompleteButShortStream_IsAnError()
    {
        var parser = Parse(ChunkedHead + Chunk("data: {\"n\":1}\n\ndata: [DONE]\n\n") + "0\r\n\r\n");

        Assert.Equal("stream had 2 events, expected 4", RawStreamClient.Check(parser, expectedEvents: 4));
    }

    [Fact]
    public void Check_Non200WithContentLength_IsAnErrorWithTheBodyStart()
    {
        var parser = Parse("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 21\r\n\r\nno workers available\n");

        Assert.True(parser.IsComplete);
        Assert.Equal("HTTP 503: no workers available", RawStreamClient.Check(parser, expectedEvents: 4));
    }

    [Fact]
    public void Feed_BadChunkSize_FailsWithoutReadingFurther()
    {
        var parser = Parse(ChunkedHead + "zz\r\ndata: x\n\n");

        Assert.Equal("bad chunked framing (byte 0x7a in ChunkSize)", parser.Error);
    }

    [Fact]
    public void Feed_EndlessHead_FailsAtTheLimit()
    {
        var parser = Parse("HTTP/1.1 200 OK\r\nX-Long: " + new string('a', HttpStreamParser.MaxHeadBytes));

        Assert.Equal($"response head longer than {HttpStreamParser.MaxHeadBytes} bytes", parser.Error);
    }

    [Fact]
    public void EndOfInput_UnframedBody_CompletesAtClose()
    {
        var parser = Parse("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\ndata: {\"n\":1}\n\ndata: [DONE]\n\n");

        parser.EndOfInput();

        Assert.Equal((true, 2), (parser.IsComplete, parser.Events));
    }

    private static HttpStreamParser Parse(string response)
    {
        var parser = new HttpStreamParser();
        parser.Feed(Encoding.ASCII.GetBytes(response));
        return parser;
    }

    private static string Chunk(string data) => $"{Encoding.ASCII.GetByteCount(data):x}\r\n{data}\r\n";
}
