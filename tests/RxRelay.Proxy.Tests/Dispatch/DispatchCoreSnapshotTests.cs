namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// Views for /health, /admin/workers, /admin/stats and /v1/models (docs/protocol.md#http-models,
/// docs/protocol.md#http-health, docs/protocol.md#http-admin).
/// </summary>
public sealed class DispatchCoreSnapshotTests
{
    private static CoreHarness CreateSut() => new();

    [Fact]
    public void Snapshot_WorkersAndQueues_RegistrationOrderAndProviderDepths()
    {
        using var sut = CreateSut();
        sut.Register("a", ["llama", "*"], max: 2, load: 1);
        sut.Register("b", ["mistral"], provider: "anthropic");
        sut.Submit("llama");
        sut.Submit("qwen", provider: "anthropic");

        var snapshot = sut.Core.Snapshot();

        Assert.Equal(
            ["worker-1:openai:a:1/2:load2", "worker-2:anthropic:b:0/1:load0"],
            snapshot.Workers.Select(w => $"{w.WorkerId}:{w.Provider}:{w.WorkerName}:{w.InFlight}/{w.MaxConcurrent}:load{w.ReportedLoad}"));
        Assert.Equal(["llama", "*"], snapshot.Workers[0].Models);
        Assert.Equal([KeyValuePair.Create("anthropic", 1)], snapshot.QueueDepths);
        Assert.Equal(1, snapshot.TotalQueueDepth);
    }

    [Fact]
    public void Snapshot_CancelledInFlight_NotCountedAsInFlight()
    {
        using var sut = CreateSut();
        sut.Register("a", ["llama"], max: 2);
        sut.Submit("llama");
        sut.Core.Cancel("request-1", CancelReason.ClientDisconnect);

        var worker = Assert.Single(sut.Core.Snapshot().Workers);

        Assert.Equal((0, 0u), (worker.InFlight, worker.ReportedLoad));
    }

    [Fact]
    public void ModelCatalog_NoWorkerOfOwnProvider_FallsBackToAllProviders()
    {
        using var sut = CreateSut();
        sut.Register("a", ["llama-3.1-70b", "gpt-oss-120b"], provider: "anthropic");
        sut.Register("b", ["gpt-oss-120b", "qwen"], provider: "other");

        Assert.Equal(["llama-3.1-70b", "gpt-oss-120b", "qwen"], sut.Core.ModelCatalog("openai"));
        Assert.Equal(["llama-3.1-70b", "gpt-oss-120b"], sut.Core.ModelCatalog("anthropic"));
    }

    [Fact]
    public void ModelCatalog_UpdatesAndDisconnects_NoStaleEntries()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama-3.1-70b"]);
        var w2 = sut.Register("b", ["mistral-large"]);
        sut.Core.OnModelsUpdate(w1, ["llama-3.1-70b", "gpt-oss-120b"], 0);
        sut.Core.OnModelsUpdate(w2, ["gpt-oss-120b"], 0);
        Assert.Equal(["llama-3.1-70b", "gpt-oss-120b"], sut.Core.ModelCatalog(CoreHarness.Provider));

        sut.Core.OnWorkerGone(w1);

        Assert.Equal(["gpt-oss-120b"], sut.Core.ModelCatalog(CoreHarness.Provider));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void ModelCatalog_WildcardWorker_WildcardFilteredOut()
    {
        using var sut = CreateSut();
        sut.Register("a", ["gpt-4", "*", "gpt-3.5"]);
        sut.Register("b", ["gpt-4"]);

        Assert.Equal(["gpt-4", "gpt-3.5"], sut.Core.ModelCatalog(Provider));
    }
}
