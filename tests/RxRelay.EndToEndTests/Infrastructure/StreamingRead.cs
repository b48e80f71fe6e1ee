using System.Text;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// A streamed answer read in the background as the client sees it, byte for byte, so a test can wait
/// for a piece of text, drop the connection mid-stream, or read to the end — each bounded.
/// </summary>
internal sealed class StreamingRead : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _abort = new();
    private readonly StringBuilder _text = new();
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Task _reading;

    public StreamingRead(HttpResponseMessage response)
    {
        _response = response;
        _reading = ReadAsync();
    }

    public HttpResponseMessage Response => _response;

    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>Completes when the body ended (normally or with an error); the error, if any, is its value.</summary>
    public Task Completion => _reading;

    public async Task WaitForTextAsync(string fragment, TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout);
        while (!Text.Contains(fragment, StringComparison.Ordinal))
        {
            if (_reading.IsCompleted)
            {
                throw new InvalidOperationException($"the stream ended without '{fragment}'; received: {Text}");
            }

            try
            {
                await _changed.WaitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no '{fragment}' within {timeout.TotalSeconds:0.#} s; received: {Text}");
            }
        }
    }

    /// <summary>Waits for the end of the body and returns all of it.</summary>
    public async Task<string> ReadToEndAsync(TimeSpan timeout)
    {
        await _reading.WaitAsync(timeout);
        return Text;
    }

    /// <summary>The client walks away: the connection is torn down mid-body.</summary>
    public async Task AbortAsync()
    {
        await _abort.CancelAsync();
        _response.Dispose();
        await _reading.WaitAsync(Bounds.Prompt).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await AbortAsync();
        _abort.Dispose();
    }

    private async Task ReadAsync()
    {
        var stream = await _response.Content.ReadAsStreamAsync(_abort.Token);
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[8192];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        int read;
        while ((read = await stream.ReadAsync(bytes, _abort.Token)) > 0)
        {
            var count = decoder.GetChars(bytes, 0, read, chars, 0);
            lock (_text)
            {
                _text.Append(chars, 0, count);
            }

            _changed.Release();
        }

        _changed.Release();
    }
}
