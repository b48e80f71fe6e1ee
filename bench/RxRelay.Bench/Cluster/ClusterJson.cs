using System.Text.Json;
using System.Text.Json.Serialization;
using RxRelay.Bench.Load;
using RxRelay.Bench.Report;

namespace RxRelay.Bench.Cluster;

/// <summary>Writes the cluster cell's results (default <c>artifacts/bench/cluster.json</c>): machine, method, one object per cell.</summary>
internal static class ClusterJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task WriteAsync(
        string path, MachineInfo machine, BenchOptions options, IReadOnlyList<ClusterComparison> comparisons, IReadOnlyList<string> notes,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var document = new
        {
            Machine = machine,
            WarmupS = options.Warmup.TotalSeconds,
            DurationS = options.Duration.TotalSeconds,
            options.Rounds,
            PercentileMethod = Percentiles.Method,
            Cells = comparisons,
            Notes = notes,
        };
        var stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, document, Options, cancellationToken).ConfigureAwait(false);
        }
    }
}
