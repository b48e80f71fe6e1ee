using System.Runtime.InteropServices;

namespace RxRelay.Bench.Report;

/// <summary>What the numbers were measured on; printed and written with the results.</summary>
internal sealed record MachineInfo(int Cpus, string CpuModel, double RamGiB, string Runtime, string Os, string LoadAverage)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        ProcLine("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        (ProcKb("/proc/meminfo", "MemTotal") ?? 0) / 1024.0 / 1024.0,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        ReadOrEmpty("/proc/loadavg"));

    public override string ToString() =>
        $"{Cpus} CPUs ({CpuModel}), {RamGiB:0.0} GiB RAM, {Runtime}, {Os}, load average at start {LoadAverage}";

    private static string? ProcLine(string path, string key) =>
        ReadLines(path).Where(l => l.StartsWith(key, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault();

    private static long? ProcKb(string path, string key) =>
        ProcLine(path, key) is { } value && long.TryParse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var kb) ? kb : null;

    private static IEnumerable<string> ReadLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];

    private static string ReadOrEmpty(string path) =>
        File.Exists(path) ? string.Join(' ', File.ReadAllText(path).Split(' ').Take(3)) : "n/a";
}
