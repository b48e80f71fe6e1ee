using System.Globalization;

namespace RxRelay.Bench.Micro;

/// <summary>
/// A second opinion on bytes allocated per operation: <see cref="GC.GetAllocatedBytesForCurrentThread"/>
/// around 100,000 calls of each benchmark after as many warm-up calls. BenchmarkDotNet's in-process
/// toolchain has reported 0 B for a decode that does allocate (its memory diagnoser is less exact in
/// process), so the harness prints both and the docs quote this one when they differ.
/// </summary>
internal static class AllocationCrossCheck
{
    private const int Calls = 100_000;

    public static string Render()
    {
        var b = new CodecBenchmarks();
        (string Name, Action Call)[] cases =
        [
            (nameof(b.EncodeRequest), () => b.EncodeRequest()),
            (nameof(b.EncodeToRequest), () => b.EncodeToRequest()),
            (nameof(b.DecodeRequest), () => b.DecodeRequest()),
            (nameof(b.EncodeChunk), () => b.EncodeChunk()),
            (nameof(b.EncodeToChunk), () => b.EncodeToChunk()),
            (nameof(b.DecodeChunk), () => b.DecodeChunk()),
            (nameof(b.EncodeComplete), () => b.EncodeComplete()),
            (nameof(b.EncodeToComplete), () => b.EncodeToComplete()),
            (nameof(b.DecodeComplete), () => b.DecodeComplete()),
        ];
        var text = new System.Text.StringBuilder("| Method | Allocated per op (GC.GetAllocatedBytesForCurrentThread, 100k calls) |\n| --- | ---: |\n");
        foreach (var (name, call) in cases)
        {
            for (var i = 0; i < Calls; i++)
            {
                call();
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Calls; i++)
            {
                call();
            }

            var perOp = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Calls;
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {perOp:0} B |");
        }

        return text.ToString();
    }
}
