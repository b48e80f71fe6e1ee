using RxRelay.EchoBackend;
using RxRelay.EndToEndTests.Infrastructure;
using Xunit.Abstractions;

namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// A machine shutting down: SIGTERM reaches a worker and its proxy at the same moment, so the worker's
/// own stop races the proxy closing the socket under it. Every round both exit 0 without a fatal line
/// (docs/differences-from-upstream.md#hardening-stop-together).
/// </summary>
public sealed class StopTogetherScenarios(ITestOutputHelper output)
{
    private const int Rounds = 6;

    [Fact]
    public async Task WorkerAndProxy_SigtermAtTheSameMoment_BothExitZeroWithoutFatalLine()
    {
        var outcomes = new List<string>();
        for (var round = 1; round <= Rounds; round++)
        {
            await using var cluster = await RelayCluster.StartAsync(output);
            var echo = cluster.Own(await EchoBackendApp.StartAsync(new EchoBackendOptions { Listen = ListenAddress.LoopbackAnyPort, Models = ["echo"] }));
            var worker = await cluster.StartWorkerAsync(cluster.Worker(echo.BaseAddress) with { Models = ["echo"] });
            var (served, _) = await cluster.SendAsync(Bodies.ChatPath, Bodies.Chat(stream: false, model: "echo"));

            var exits = await ChildProcess.TerminateTogetherAsync([worker, cluster.Proxy], Bounds.Prompt);

            var fatal = worker.Lines.Concat(cluster.Proxy.Lines).Where(IsFatal).ToList();
            outcomes.Add($"round {round}: served {(int)served.StatusCode}, worker exit {exits[0]}, proxy exit {exits[1]}, fatal lines {fatal.Count}{string.Concat(fatal.Select(line => Environment.NewLine + "  " + line))}");
        }

        output.WriteLine(string.Join(Environment.NewLine, outcomes));
        Assert.Equal(
            Enumerable.Range(1, Rounds).Select(round => $"round {round}: served 200, worker exit 0, proxy exit 0, fatal lines 0"),
            outcomes);
    }

    // Serilog's console sink writes the level as FTL; a .NET crash prints "Unhandled exception".
    private static bool IsFatal(string line)
        => line.Contains(" FTL]", StringComparison.Ordinal) || line.Contains("Unhandled exception", StringComparison.Ordinal);
}
