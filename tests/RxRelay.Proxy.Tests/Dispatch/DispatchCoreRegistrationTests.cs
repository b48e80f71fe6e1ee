namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary><see cref="DispatchCore.RegisterWorker"/> and <see cref="DispatchCore.OnModelsUpdate"/>: models, warnings, queued work.</summary>
public sealed class DispatchCoreRegistrationTests
{
    private static CoreHarness CreateSut() => new();

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void RegisterWorker_DuplicateAndPaddedModels_AckAndCatalogSanitized()
    {
        using var sut = CreateSut();
        var sink = new RecordingFrameSink();
        var registration = sut.Core.RegisterWorker(
            Provider, "gpu-box-a", ["llama-3.1-70b", "llama-3.1-70b", " mistral-large ", ""], 1, 0,
            "2026-04-bridge-v1", sink);

        Assert.Equal("worker-1", registration.WorkerId);
        Assert.Equal(["llama-3.1-70b", "mistral-large"], registration.Models);
        Assert.Empty(registration.Warnings);
        var ack = Assert.IsType<RegisterAck>(Assert.Single(sink.Frames));
        Assert.Equal(("worker-1", "2026-04-bridge-v1"), (ack.WorkerId, ack.ProtocolVersion));
        Assert.Equal(["llama-3.1-70b", "mistral-large"], ack.Models);
        Assert.Equal(["llama-3.1-70b", "mistral-large"], sut.Core.ModelCatalog(Provider));
    }

    [Fact]
    public void RegisterWorker_BlankNameNoModelsZeroCapacity_WarningsAndClamp()
    {
        using var sut = CreateSut();
        var registration = sut.Core.RegisterWorker(Provider, "  ", [" ", ""], 0, 0, null, new RecordingFrameSink());

        Assert.Equal(
            ["worker_name was empty after trimming", "worker registered without any routable models"],
            registration.Warnings);
        var worker = Assert.Single(sut.Core.Snapshot().Workers);
        Assert.Equal(new WorkerSnapshot("worker-1", Provider, "  ", [], 0, 1, 0, false), worker with { Models = [] });
        Assert.Empty(worker.Models);
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void RegisterWorker_RequestQueuedBeforehand_DispatchedAtOnceWithoutPong()
    {
        using var sut = CreateSut();
        sut.Submit("llama");

        var w1 = sut.Register("late", ["llama"]);

        var frames = sut.Sinks[w1].Frames;
        Assert.IsType<RegisterAck>(frames[0]);
        var request = Assert.IsType<WorkerRequest>(frames[1]);
        Assert.Equal(
            ("request-1", "llama", "/v1/chat/completions", false, "{\"model\":\"llama\"}"),
            (request.RequestId, request.Model, request.EndpointPath, request.IsStreaming, request.Body));
        Assert.Equal(2, frames.Count);
        Assert.Empty(sut.Core.QueuedIds());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void OnModelsUpdate_AddsThenRemovesModel_RoutingFollowsWithoutReconnect()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("mistral");
        Assert.Equal(["request-1"], sut.Core.QueuedIds());

        sut.Core.OnModelsUpdate(w1, ["llama", "mistral"], 0);
        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
        sut.Complete(w1, "request-1");
        sut.Core.OnModelsUpdate(w1, ["llama"], 0);
        sut.Submit("mistral");

        Assert.Equal(["request-2"], sut.Core.QueuedIds());
        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
    }
}
