using System.Reflection;
using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Http;

namespace RxRelay.Proxy.Health;

/// <summary>
/// <c>GET /health</c> (docs/protocol.md#http-health): always 200, fields in upstream order, <c>workers</c> omitted when
/// there are none. <c>version</c> is RxRelay's own informational version, not upstream's crate version.
/// </summary>
internal sealed class HealthEndpoint(Dispatcher dispatcher, ProxyOptions options, TimeProvider time)
{
    private readonly long _startedAt = time.GetTimestamp();

    /// <summary>The version reported, without build metadata (the part after '+').</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>Handles one request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var snapshot = dispatcher.GetSnapshot(context.RequestAborted);
        var uptime = time.GetElapsedTime(_startedAt).TotalSeconds;
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "ok");
            w.WriteString("version", Version);
            w.WriteNumber("workers_connected", snapshot.Workers.Count);
            w.WriteNumber("queue_depth", snapshot.TotalQueueDepth);
            w.WriteNumber("uptime_secs", uptime);
            if (snapshot.Workers.Count > 0)
            {
                WriteWorkers(w, snapshot.Workers);
            }

            w.WriteString("models_provider", options.Provider);
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
