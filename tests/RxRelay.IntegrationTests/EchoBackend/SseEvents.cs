namespace RxRelay.IntegrationTests.EchoBackend;

/// <summary>One server-sent event as received: its <c>event:</c> name (null when absent) and <c>data:</c> text.</summary>
internal sealed record SseEvent(string? Event, string Data);

/// <summary>Reads server-sent events from a response stream one at a time.</summary>
internal sealed class SseEvents(Stream body) : IDisposable
{
    private readonly StreamReader _reader = new(body);

    /// <summary>The next event, or null at the end of the stream.</summary>
    public async Task<SseEvent?> NextAsync()
    {
        string? name = null;
        string? data = null;
        while (await _reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return new SseEvent(name, data);
                }

                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
            else
            {
                throw new InvalidDataException($"unexpected SSE line '{line}'");
            }
        }

        Assert.Null(data); // a stream must not end in the middle of an event
        return null;
    }

    /// <summary>Every remaining event.</summary>
    public async Task<List<SseEvent>> ReadAllAsync()
    {
        var events = new List<SseEvent>();
        while (await NextAsync() is { } next)
        {
            events.Add(next);
        }

        return events;
    }

    public void Dispose() => _reader.Dispose();
}
