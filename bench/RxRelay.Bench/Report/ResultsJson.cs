using System.Text.Json;
using System.Text.Json.Serialization;
using RxRelay.Bench.Cores;
using RxRelay.Bench.Load;
using RxRelay.Bench.Scale;

namespace RxRelay.Bench.Report;

/// <summary>Writes <c>results.json</c>: machine, method, one object per cell (with its ratios), the scale steps and the target verdicts.</summary>
internal static class ResultsJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task WriteAsync(
        string path, MachineInfo machine, BenchOptions options, IReadOnlyList<CellResult> cells, IReadOnlyList<ScaleStep> scale,
        IReadOnlyList<TargetCheck> targets, IReadOnlyList<string> notes, IReadOnlyList<PinnedProcess> pinned, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var document = new
        {
            Machine = machine,
            WarmupS = options.Warmup.TotalSeconds,
            DurationS = options.Duration.TotalSeconds,
            PercentileMethod = Percentiles.Method,
            Cpus = options.Cpus is { } plan ? new { plan.Spec, Rule = plan.Spec == "auto" ? CpuPlan.AutoRule : null, Split = plan.Describe(), Processes = pinned } : null,
            Workers = options.Workers,
            Cells = cells,
            Scale = scale,
            Targets = targets.Select(t => new { t.Target, t.Measured, t.Met }),
            Notes = notes,
        };
        var stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, document, Options, cancellationToken).ConfigureAwait(false);
        }
    }
}
