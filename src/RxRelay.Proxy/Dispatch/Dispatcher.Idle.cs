namespace RxRelay.Proxy.Dispatch;

internal sealed partial class Dispatcher
{
    /// <summary>Completes once <see cref="BeginDrain"/> was called and no request is live; see <see cref="DispatchCore.WhenIdle"/>.</summary>
    public Task WhenIdle() => Invoke(core => core.WhenIdle());
}
