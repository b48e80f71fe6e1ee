using System.Text.Json;
using RxRelay.Bench.Cores;
using RxRelay.Bench.Report;
using RxRelay.Bench.Streams;

namespace RxRelay.Bench.Tests.Streams;

/// <summary>
/// <c>--cpus</c> in the streams cell: the option is carried, and the report and <c>streams.json</c> say how the cores were
/// split and what every process got; without <c>--cpus</c> neither has a cores part.
/// </summary>
public sealed class StreamCoresTests
{
    private static readonly MachineInfo Machine = new(4, "cpu", 1, ".NET", "linux", "0 0 0");

    private static readonly CpuPlan Plan = CpuPlan.Parse("backend=0,load=1,sut=2-3", CoreSet.Parse("0-3"));

    private static readonly PinnedProcess[] Pinned =
    [
        new(CorePinning.LoadGenerator, 10, "1", ["1"], 20),
        new("rxrelay-worker-1", 12, "2-3", ["0-3"], 15),
    ];

    private static readonly StreamSettings Settings = new() { Sizes = [2] };

    [Fact]
    public void Parse_StreamsWithCpus_IsAccepted_AndCarriesThePlan()
    {
        var options = BenchOptions.Parse(["--streams", "10", "--cpus", "auto", "--workers", "2"]);

        Assert.Null(options.Error);
        Assert.Equal([10], options.Streams.Sizes);
        Assert.Equal(2, options.Streams.Workers);
        Assert.Equal(("auto", Affinity.Available()), (options.Cpus!.Spec, options.Cpus.Available));
    }

    [Fact]
    public void Render_WithCpus_SaysTheSplitAndEveryProcessWithItsMismatch()
    {
        var text = StreamTable.Render(Machine, Settings, [], [], Plan, Pinned);

        Assert.Contains(
            string.Join(Environment.NewLine,
                "cores (Cpus_allowed_list of every thread, read back from /proc):",
                "--cpus backend=0,load=1,sut=2-3: 4 core(s) available to the harness (0-3)",
                "  backend (echo) 0 (1), load generator (this harness) 1 (1), system under test: yarp 2-3 (2), rxrelay proxy 2-3 (2) + workers 2-3 (2)",
                "  load-generator (pid 10): asked 1, got 1 on all 20 thread(s)",
                "  rxrelay-worker-1 (pid 12): asked 2-3, got 0-3 on 15 thread(s) MISMATCH",
                ""),
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithoutCpus_HasNoCoresPart()
    {
        var text = StreamTable.Render(Machine, Settings, [], [], null, []);

        Assert.DoesNotContain("Cpus_allowed_list", text, StringComparison.Ordinal);
        Assert.DoesNotContain("--cpus", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_WithCpus_HasTheSpecSplitAndProcesses()
    {
        using var json = await WriteAndReadAsync(CoresReport.Of(Plan, Pinned));

        var cpus = json.RootElement.GetProperty("cpus");
        Assert.Equal("backend=0,load=1,sut=2-3", cpus.GetProperty("spec").GetString());
        Assert.False(cpus.TryGetProperty("rule", out _));
        Assert.Equal(Plan.Describe(), cpus.GetProperty("split").EnumerateArray().Select(l => l.GetString()!));
        var worker = cpus.GetProperty("processes")[1];
        Assert.Equal(
            ("rxrelay-worker-1", 12, "2-3", "0-3", 15, false),
            (worker.GetProperty("name").GetString(), worker.GetProperty("pid").GetInt32(), worker.GetProperty("asked").GetString(),
                worker.GetProperty("got")[0].GetString(), worker.GetProperty("threads").GetInt32(), worker.GetProperty("ok").GetBoolean()));
    }

    [Fact]
    public async Task WriteAsync_AutoPlan_CarriesTheRule()
    {
        using var json = await WriteAndReadAsync(CoresReport.Of(CpuPlan.Parse("auto", CoreSet.Parse("0-7")), []));

        Assert.Equal(CpuPlan.AutoRule, json.RootElement.GetProperty("cpus").GetProperty("rule").GetString());
    }

    [Fact]
    public async Task WriteAsync_WithoutCpus_HasNoCpusObject()
    {
        using var json = await WriteAndReadAsync(CoresReport.Of(null, []));

        Assert.False(json.RootElement.TryGetProperty("cpus", out _));
    }

    private static async Task<JsonDocument> WriteAndReadAsync(CoresReport? cpus)
    {
        var path = Path.Combine(Path.GetTempPath(), $"streams-{Guid.NewGuid():N}.json");
        try
        {
            await StreamJson.WriteAsync(path, Machine, Settings, [], [], cpus, CancellationToken.None);
            return JsonDocument.Parse(await File.ReadAllTextAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
