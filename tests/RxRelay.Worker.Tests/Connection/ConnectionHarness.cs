using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;
using RxRelay.Reactive;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Connection;
using RxRelay.Worker.Metrics;

namespace RxRelay.Worker.Tests.Connection;

/// <summary>A <see cref="WorkerConnection"/> over fake links and relays, run in virtual time from 0 s.</summary>
internal sealed class ConnectionHarness
{
    public const string RegisterJson =
        """{"type":"register","worker_name":"gpu-box-a","models":["llama-3.1-70b"],"max_concurrent":1,"protocol_version":"2026-04-bridge-v1","current_load":0}""";

    private IDisposable? _subscription;

    public ConnectionHarness(int connectFailures = 0, double openDelaySeconds = 0, WorkerMetrics? metrics = null)
    {
        Links = new FakeProxyLinkFactory(Scheduler, connectFailures, TimeSpan.FromSeconds(openDelaySeconds));
        Connection = new WorkerConnection(Options, new FixedModels(Options.Models), Links, Relays, new ReconnectPolicy(new ReconnectPolicyOptions(), () => 0), Scheduler, Logger, metrics);
        Decisions = Scheduler.CreateObserver<ReconnectDecision>();
    }

    public static WorkerOptions Options { get; } = new()
    {
        ProxyUrl = "http://127.0.0.1:9/",
        Provider = "openai",
        WorkerSecret = "top-secret",
        WorkerName = "gpu-box-a",
        Models = ["llama-3.1-70b"],
        MaxConcurrency = 1,
    };

    public TestScheduler Scheduler { get; } = new();

    public FakeProxyLinkFactory Links { get; }

    public FakeRelaySessionFactory Relays { get; } = new();

    public FakeLogger<WorkerConnection> Logger { get; } = new();

    public WorkerConnection Connection { get; }

    public ITestableObserver<ReconnectDecision> Decisions { get; }

    public FakeProxyLink Link(int index) => Links.Links[index];

    public FakeRelaySession Relay(int index) => Relays.Sessions[index];

    /// <summary>Subscribes at virtual time 0, synchronously, so the first session starts exactly at 0 s.</summary>
    public ConnectionHarness Start()
    {
        _subscription = Connection.Run().Subscribe(Decisions);
        return this;
    }

    public void At(double seconds, Action action) => Scheduler.ScheduleAbsolute(S(seconds), action);

    public void RunTo(double seconds) => Scheduler.AdvanceTo(S(seconds));

    public void Dispose() => _subscription?.Dispose();

    public IEnumerable<string> LinesWithId(int eventId) => Logger.Lines.Where(l => l.EventId == eventId).Select(l => l.Message);

    public static long S(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;

}
