namespace RxRelay.Proxy.Dispatch;

internal sealed partial class Dispatcher
{
    /// <summary>Completes once <see cref="BeginDrain"/> was called and nothing is queued; see <see cref="DispatchCore.WhenQueueEmpty"/>.</summary>
    public Task WhenQueueEmpty() => Invoke(core => core.WhenQueueEmpty());
}
