using System.Net;
using System.Net.Sockets;

namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// The worker outlives its proxy: upstream's http_worker_daemon.rs 10 and live_backend.rs 17
/// (docs/differences-from-upstream.md#upstream-tests).
/// </summary>
public sealed class ReconnectScenarios(ITestOutputHelper output)
{
    [Fact]
    public async Task Worker_FirstConnectionDroppedByPlainTcpListener_RegistersWithProxyStartedLaterAndServes()
    {
        var port = FreePort.Next();
        var backend = await MockBackend.StartAsync();
        await using var _ = backend;
        var impostor = new TcpListener(IPAddress.Loopback, port);
        impostor.Start();
        var proxyUrl = new Uri($"http://127.0.0.1:{port}");
        await using var worker = ChildProcess.Start("worker", ProgramPaths.Worker,
            new WorkerSettings { ProxyUrl = proxyUrl, BackendUrl = backend.BaseAddress }.ToArguments(), ProgramPaths.Isolated);
        using (var accepted = await impostor.AcceptTcpClientAsync().WaitAsync(Bounds.Startup))
        {
            // Accepted and dropped without a word: the worker's first session fails.
        }

        impostor.Stop();
        await using var cluster = await RelayCluster.StartAsync(output, new ProxySettings { Port = port });
        cluster.Track(worker);

        await cluster.WaitForWorkersAsync(1, TimeSpan.FromSeconds(5) + Bounds.Startup);
        var (response, _) = await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Worker_ProxyStoppedGracefullyAndStartedAgain_StaysUpReRegistersAndServes()
    {
        await using var cluster = await RelayCluster.StartAsync(output);
        var backend = cluster.Own(await MockBackend.StartAsync());
        var worker = await cluster.StartWorkerAsync(cluster.Worker(backend.BaseAddress));

        Assert.Equal(0, await cluster.Proxy.TerminateAsync(Bounds.Prompt));
        await worker.WaitForLineAsync("proxy announced a graceful shutdown", Bounds.Prompt);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(worker.HasExited);

        await cluster.StartProxyAsync();
        await cluster.WaitForWorkersAsync(1);
        var (response, _) = await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false));
        Assert.Equal(200, (int)response.StatusCode);
    }
}
