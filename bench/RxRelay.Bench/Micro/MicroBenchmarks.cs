using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RxRelay.Bench.Micro;

/// <summary>
/// <c>--micro</c>: runs <see cref="CodecBenchmarks"/> with a short job (1 launch, 3 warm-up, 5 measured
/// iterations) in process, so no separate benchmark project is generated and built: the whole set
/// finishes in a couple of minutes. Reports land in <c>artifacts/bench/micro</c>.
/// </summary>
internal static class MicroBenchmarks
{
    public static int Run(string artifactsDirectory)
    {
        var job = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(5)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("short-inprocess");
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .AddExporter(MarkdownExporter.GitHub)
            .WithArtifactsPath(artifactsDirectory);
        Summary summary = BenchmarkRunner.Run<CodecBenchmarks>(config);
        Console.WriteLine();
        Console.WriteLine(AllocationCrossCheck.Render());
        return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    }
}
