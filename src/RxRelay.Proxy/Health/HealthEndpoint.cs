using System.Reflection;
using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Http;

namespace RxRelay.Proxy.Health;

/// <summary>
/// <c>GET /health</c> (docs/protocol.md#http-health): always 200, fields in upstream order, <c>workers</c> omitted when
/// there are none. <c>version</c> is RxRelay's own informational version, not upstream's crate version.
/// In cluster mode a <c>cluster</c> summary follows (<see cref="ClusterStatusJson.WriteSummary"/>), and from the
/// moment shutdown begins the answer is 503 with <c>status</c> <c>draining</c>: a readiness probe for the load balancer.
/// </summary>
internal sealed class HealthEndpoint(Dispatcher dispatcher, ProxyOptions options, TimeProvider time, ClusterDirectory? directory = null)
{
    private readonly long _startedAt = time.GetTimestamp();

    /// <summary>The version reported, without build metadata (the part after '+').</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>Handles one request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var snapshot = dispatcher.GetSnapshot(context.RequestAborted);
        var uptime = time.GetElapsedTime(_startedAt).TotalSeconds;
        var cluster = directory?.Status;
        var draining = cluster?.State == ReplicaState.Draining;
        await JsonResponses.WriteAsync(context, draining ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", draining ? "draining" : "ok");
            w.WriteString("version", Version);
            w.WriteNumber("workers_connected", snapshot.Workers.Count);
            w.WriteNumber("queue_depth", snapshot.TotalQueueDepth);
            w.WriteNumber("uptime_secs", uptime);
            if (snapshot.Workers.Count > 0)
            {
                WriteWorkers(w, snapshot.Workers);
            }

            w.WriteString("models_provider", options.Provider);
            if (cluster is not null)
            {
                ClusterStatusJson.WriteSummary(w, cluster, options.Provider);
            }

            w.WriteEndObject();
        });
    }

    private static void WriteWorkers(System.Text.Json.Utf8JsonWriter w, IReadOnlyList<WorkerSnapshot> workers)
    {
        w.WriteStartArray("workers");
        foreach (var worker in workers)
        {
            w.WriteStartObject();
            w.WriteString("id", worker.WorkerId);
            w.WriteString("provider", worker.Provider);
            w.WriteStringArray("models", worker.Models);
            w.WriteNumber("in_flight", worker.InFlight);
            w.WriteNumber("max_concurrent", worker.MaxConcurrent);
            w.WriteBoolean("is_draining", worker.IsDraining);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static string ReadVersion()
    {
        var info = typeof(HealthEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = info.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? info : info[..plus];
    }
}
