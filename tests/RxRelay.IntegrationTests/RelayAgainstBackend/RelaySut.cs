using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Metrics;
using RxRelay.Worker.Relay;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>A relay session against one backend URL, built the way the host's DI builds it.</summary>
internal sealed class RelaySut : IAsyncDisposable
{
    private RelaySut(IRelaySession session, RecordingOutbound outbound, BackendHttp backend, ModelCatalog catalog)
    {
        Session = session;
        Outbound = outbound;
        Backend = backend;
        Catalog = catalog;
    }

    public IRelaySession Session { get; }

    public RecordingOutbound Outbound { get; }

    public BackendHttp Backend { get; }

    public ModelCatalog Catalog { get; }

    public static WorkerOptions Options(string backendUrl, uint maxConcurrency = 8, params string[] models) => new()
    {
        WorkerSecret = "top-secret",
        BackendUrl = backendUrl,
        MaxConcurrency = maxConcurrency,
        Models = models.Length == 0 ? ["gpt-4.1-mini"] : models,
    };

    public static RelaySut Create(
        string backendUrl,
        uint maxConcurrency = 8,
        TimeProvider? timeProvider = null,
        RecordingOutbound? outbound = null,
        WorkerOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        WorkerMetrics? metrics = null)
    {
        options ??= Options(backendUrl, maxConcurrency);
        timeProvider ??= TimeProvider.System;
        var backend = new BackendHttp(options);
        var catalog = new ModelCatalog(options, backend, timeProvider, NullLogger<ModelCatalog>.Instance);
        var factory = new BackendRelaySessionFactory(options, backend, catalog, loggerFactory ?? NullLoggerFactory.Instance, timeProvider, metrics);
        outbound ??= new RecordingOutbound();
        return new RelaySut(factory.Create(outbound), outbound, backend, catalog);
    }

    public static WorkerRequest Request(
        string id,
        string path = "/v1/chat/completions",
        bool streaming = false,
        string body = """{"model":"gpt-4.1-mini"}""",
        IReadOnlyDictionary<string, string>? headers = null)
        => new(id, "gpt-4.1-mini", path, streaming, body,
            headers ?? new Dictionary<string, string> { ["content-type"] = "application/json" });

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        Backend.Dispose();
    }
}
