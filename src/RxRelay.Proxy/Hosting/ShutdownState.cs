namespace RxRelay.Proxy.Hosting;

/// <summary>
/// What the HTTP side needs to know about a shutdown in progress: whether to refuse new inference
/// requests, and when requests still waiting (queued, never started) must give up.
/// </summary>
internal sealed class ShutdownState : IDisposable
{
    private readonly CancellationTokenSource _expired = new();
    private volatile bool _draining;

    /// <summary>True once shutdown began; new inference requests get 503.</summary>
    public bool IsDraining => _draining;

    /// <summary>Cancelled when the drain is over (all workers gone or the timeout passed).</summary>
    public CancellationToken Expired => _expired.Token;

    /// <summary>Marks the start of shutdown.</summary>
    public void BeginDraining() => _draining = true;

    /// <summary>Ends the drain: requests still waiting for a worker are answered 503.</summary>
    public void Expire()
    {
        _draining = true;
        _expired.Cancel();
    }

    /// <inheritdoc />
    public void Dispose() => _expired.Dispose();
}
