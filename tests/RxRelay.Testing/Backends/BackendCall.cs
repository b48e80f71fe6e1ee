using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace RxRelay.Testing.Backends;

/// <summary>
/// One request as a <see cref="ScriptedBackend"/> received it (body already read), and the handle a
/// test answers it with, piece by piece. <see cref="Aborted"/> completes when the caller's connection
/// goes away: the proof that a cancel reached the backend.
/// </summary>
public sealed class BackendCall
{
    private readonly TaskCompletionSource<TimeSpan> _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal BackendCall(HttpContext context, int number, byte[] body, Stopwatch clock)
    {
        Context = context;
        Number = number;
        Method = context.Request.Method;
        Path = context.Request.Path + context.Request.QueryString;
        BodyBytes = body;
        Body = Encoding.UTF8.GetString(body);
        Headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        context.RequestAborted.Register(() => _aborted.TrySetResult(clock.Elapsed));
    }

    /// <summary>The request's context, for what the members here do not cover.</summary>
    public HttpContext Context { get; }

    /// <summary>1 for the first request the backend received, 2 for the next…</summary>
    public int Number { get; }

    /// <summary>The HTTP method, e.g. <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>The path with the query string, if any.</summary>
    public string Path { get; }

    /// <summary>The body exactly as received.</summary>
    public IReadOnlyList<byte> BodyBytes { get; }

    /// <summary>The body as UTF-8 text.</summary>
    public string Body { get; }

    /// <summary>Request headers as received, names lowercased.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The request (its body already consumed).</summary>
    public HttpRequest Request => Context.Request;

    /// <summary>The response the script writes.</summary>
    public HttpResponse Response => Context.Response;

    /// <summary>Cancelled when the caller's connection goes away.</summary>
    public CancellationToken RequestAborted => Context.RequestAborted;

    /// <summary>Completes, with the time on the backend's clock, when the caller's connection goes away.</summary>
    public Task<TimeSpan> Aborted => _aborted.Task;

    /// <summary>Drops the connection: a backend that dies mid-answer.</summary>
    public void Abort() => Context.Abort();

    /// <summary>Lets a held call go on (see <see cref="HoldAsync()"/>); the backend does it for all on disposal.</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>Waits until the call is released, the caller goes away or the backend stops.</summary>
    public Task HoldAsync() => Task.WhenAny(_released.Task, _aborted.Task);

    /// <summary>Waits until <paramref name="release"/> completes, the caller goes away or the backend stops.</summary>
    public Task HoldAsync(Task release) => Task.WhenAny(release, _released.Task, _aborted.Task);

    /// <summary>Answers the whole call at once.</summary>
    public async Task RespondAsync(int status, string body, params (string Name, string Value)[] headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            Response.Headers[name] = value;
        }

        await Response.WriteAsync(body, RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Starts an SSE answer (status and headers flushed).</summary>
    public async Task StartStreamAsync(int status = 200)
    {
        Response.StatusCode = status;
        Response.ContentType = "text/event-stream";
        await Response.Body.FlushAsync(RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes and flushes one piece of the answer.</summary>
    public async Task WriteChunkAsync(string text)
    {
        await Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), RequestAborted).ConfigureAwait(false);
        await Response.Body.FlushAsync(RequestAborted).ConfigureAwait(false);
    }

    internal static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        return body.ToArray();
    }
}
