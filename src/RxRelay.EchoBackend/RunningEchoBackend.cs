namespace RxRelay.EchoBackend;

/// <summary>A started echo backend; disposing stops it.</summary>
internal sealed class RunningEchoBackend(WebApplication app) : IAsyncDisposable
{
    /// <summary>The app, for anything a test needs beyond the address.</summary>
    public WebApplication App { get; } = app;

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c>: use as <c>HttpClient.BaseAddress</c> or a worker's <c>--backend-url</c>.</summary>
    public Uri BaseAddress { get; } = EchoBackendApp.BoundAddress(app);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
