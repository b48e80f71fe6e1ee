namespace RxRelay.IntegrationTests.Proxy;

/// <summary>Fake worker sockets (<see cref="FakeWorkerSocket"/>) against a <see cref="ProxyTestHost"/>: its secret, its model.</summary>
internal static class ScriptedWorker
{
    public const string Model = "llama-3.1-70b";

    public static Task<FakeWorkerSocket> ConnectAsync(Uri uri, string? secret = ProxyTestHost.Secret, IReadOnlyDictionary<string, string>? headers = null) =>
        FakeWorkerSocket.ConnectAsync(uri, secret, headers);

    /// <summary>Connects and registers; returns the register_ack text.</summary>
    public static async Task<(FakeWorkerSocket Worker, string Ack)> RegisterAsync(
        ProxyTestHost host, string name = "gpu-box-a", string[]? models = null, uint max = 1, string provider = ProxyTestHost.Provider)
    {
        var worker = await ConnectAsync(host.WorkerUri(provider));
        await worker.SendRegisterAsync(name, models ?? [Model], max);
        var ack = await worker.ReceiveTextAsync();
        return (worker, ack);
    }
}
