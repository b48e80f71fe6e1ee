using System.Text;
using Microsoft.AspNetCore.Http;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// One request as a scripted backend received it, and the handle a test uses to answer it piece by
/// piece. <see cref="Aborted"/> completes when the worker closes the connection: the proof that a
/// cancel reached the backend.
/// </summary>
internal sealed class BackendCall
{
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BackendCall(HttpContext context, string body)
    {
        Context = context;
        Path = context.Request.Path.Value ?? "";
        Body = body;
        Headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        context.RequestAborted.Register(() => _aborted.TrySetResult());
    }

    public HttpContext Context { get; }

    public string Path { get; }

    public string Body { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public Task Aborted => _aborted.Task;

    /// <summary>Lets a held call go on (see <see cref="HoldAsync"/>).</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>Waits until the test releases the call or the worker goes away, whichever is first.</summary>
    public Task HoldAsync() => Task.WhenAny(_released.Task, _aborted.Task);

    public async Task RespondAsync(int status, string body, params (string Name, string Value)[] headers)
    {
        Context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            Context.Response.Headers[name] = value;
        }

        await Context.Response.WriteAsync(body, Context.RequestAborted);
    }

    /// <summary>Starts an SSE answer (status and headers flushed).</summary>
    public async Task StartStreamAsync(int status = 200)
    {
        Context.Response.StatusCode = status;
        Context.Response.ContentType = "text/event-stream";
        await Context.Response.Body.FlushAsync(Context.RequestAborted);
    }

    public async Task WriteChunkAsync(string text)
    {
        await Context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), Context.RequestAborted);
        await Context.Response.Body.FlushAsync(Context.RequestAborted);
    }
}
