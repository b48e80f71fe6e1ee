using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging.Abstractions;
using RxRelay.Reactive;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Connection;

namespace RxRelay.IntegrationTests.WorkerConnection;

/// <summary>The real connection pipeline (real Websocket.Client link, real schedulers) with a recording relay.</summary>
internal sealed class WorkerUnderTest : IDisposable
{
    public const string RegisterJson =
        """{"type":"register","worker_name":"gpu-box-a","models":["llama-3.1-70b"],"max_concurrent":1,"protocol_version":"2026-04-bridge-v1","current_load":0}""";

    /// <summary>Generous bound for "something happens" on a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly IDisposable _running;

    public WorkerUnderTest(string proxyUrl, TimeSpan? idleTimeout = null, TimeSpan? initialBackoff = null)
    {
        Options = CreateOptions(proxyUrl, idleTimeout ?? TimeSpan.FromSeconds(90));
        var scheduler = TaskPoolScheduler.Default;
        var policy = new ReconnectPolicy(
            new ReconnectPolicyOptions { InitialBackoff = initialBackoff ?? TimeSpan.FromSeconds(1), LongSessionThreshold = Options.IdleTimeout },
            () => 0);
        Connection = new RxRelay.Worker.Connection.WorkerConnection(
            Options, new FixedModels(Options.Models), new WebsocketProxyLinkFactory(Options), Relays, policy, scheduler, NullLogger<RxRelay.Worker.Connection.WorkerConnection>.Instance);
        _running = Connection.Run().Subscribe(_ => { }, _ => { });
    }

    public WorkerOptions Options { get; }

    public IntegrationRelayFactory Relays { get; } = new();

    public RxRelay.Worker.Connection.WorkerConnection Connection { get; }

    public static WorkerOptions CreateOptions(string proxyUrl, TimeSpan idleTimeout) => new()
    {
        ProxyUrl = proxyUrl,
        Provider = "openai",
        WorkerSecret = "top-secret",
        WorkerName = "gpu-box-a",
        Models = ["llama-3.1-70b"],
        MaxConcurrency = 1,
        IdleTimeout = idleTimeout,
        ShutdownTimeout = TimeSpan.FromSeconds(5),
    };

    public void Dispose() => _running.Dispose();
}
