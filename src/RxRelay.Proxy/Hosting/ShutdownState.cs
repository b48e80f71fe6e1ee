namespace RxRelay.Proxy.Hosting;

/// <summary>
/// What the HTTP side needs to know about a shutdown in progress: whether to refuse new inference
/// requests, and when requests still waiting (queued, never started) must give up.
/// </summary>
internal sealed class ShutdownState : IDisposable
{
    private readonly CancellationTokenSource expired = new();
    private volatile bool draining;

    /// <summary>True once shutdown began; new inference requests get 503.</summary>
    public bool IsDraining => draining;

    /// <summary>Cancelled when the drain is over (all workers gone or the timeout passed).</summary>
    public CancellationToken Expired => expired.Token;

    /// <summary>Marks the start of shutdown.</summary>
    public void BeginDraining() => draining = true;

    /// <summary>Ends the drain: requests still waiting for a worker are answered 503.</summary>
    public void Expire()
    {
        draining = true;
        expired.Cancel();
    }

    /// <inheritdoc />
    public void Dispose() => expired.Dispose();
}
