namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary><see cref="DispatchCore.Submit"/>: dispatched at once, queued, or rejected.</summary>
public sealed class DispatchCoreSubmitTests
{
    private static CoreHarness CreateSut(DispatchOptions? options = null) => new(options);

    [Fact] // item 6
    [Trait(TestSource.Trait, TestSource.HarnessScenario)]
    public void Submit_SupportedModel_DispatchedWithoutQueueing()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);

        sut.Submit("llama");

        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
        Assert.Empty(sut.Core.QueuedIds());
    }

    [Fact] // item 7
    [Trait(TestSource.Trait, TestSource.HarnessScenario)]
    public void Submit_MatchingWorkersFull_QueuesEvenThoughOtherModelWorkerIdle()
    {
        using var sut = CreateSut();
        sut.Register("a", ["llama"]);
        var mistral = sut.Register("b", ["mistral"]);

        sut.Submit("llama");
        sut.Submit("llama");

        Assert.Equal(["request-2"], sut.Core.QueuedIds());
        Assert.Empty(sut.RequestsSentTo(mistral));
    }

    [Fact] // items 14–15
    [Trait(TestSource.Trait, TestSource.HarnessScenario)]
    public void Submit_OnlyNearMatchWorker_NeverReceivesAndRequestQueues()
    {
        using var sut = CreateSut();
        var q4 = sut.Register("a", ["llama-3.1-70b-q4"]);

        sut.Submit("llama-3.1-70b");

        Assert.Empty(sut.RequestsSentTo(q4));
        Assert.Equal(["request-1"], sut.Core.QueuedIds());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void Submit_WildcardWorkerMaxTwo_TakesAnyModelsThenQueues()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["*"], max: 2);
        sut.Submit("llama");
        sut.Submit("mistral");
        sut.Submit("qwen");

        Assert.Equal(["request-3"], sut.Core.QueuedIds());
        sut.Complete(w1, "request-1");

        Assert.Equal(["request-1", "request-2", "request-3"], sut.RequestsSentTo(w1));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void Submit_WildcardWorker_GetsUnknownModelAtOnce()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["*"]);

        sut.Submit("any-random-model");

        var request = Assert.IsType<WorkerRequest>(Assert.Single(sut.Sinks[w1].AfterAck));
        Assert.Equal(("request-1", "any-random-model"), (request.RequestId, request.Model));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void Submit_ProviderQueueFull_RejectsQueueFullAndKeepsExistingEntry()
    {
        using var sut = CreateSut(new DispatchOptions { MaxQueueLength = 1 });
        var w1 = sut.Register("a", ["llama"]);

        sut.Submit("llama");
        sut.Submit("llama");
        var third = sut.Submit("llama");

        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
        Assert.Equal(new SubmitOutcome("request-3", null, DispatchFailure.Of(DispatchFailureKind.QueueFull)), third);
        Assert.Equal(["request-2"], sut.Core.QueuedIds());
    }

    [Fact] // item 19, plus "no workers" when nobody serves the model
    [Trait(TestSource.Trait, TestSource.HarnessScenario)]
    public void Submit_QueueFull_RejectedAtOnceWithExactTexts()
    {
        using var sut = CreateSut(new DispatchOptions { MaxQueueLength = 1 });
        sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Submit("llama");

        var full = sut.Submit("llama");
        var none = sut.Submit("unknown");

        Assert.Equal("Service temporarily at capacity, please retry", full.Rejection!.Message);
        Assert.Equal("No workers available to handle request", none.Rejection!.Message);
        Assert.Equal(("request-3", "request-4"), (full.RequestId, none.RequestId));
        Assert.Equal(["request-2"], sut.Core.QueuedIds());
    }

    [Fact] // MaxQueueLength 0: reject immediately (upstream's CLI cannot express it)
    [Trait(TestSource.Trait, TestSource.HarnessScenario)]
    public void Submit_MaxQueueLengthZero_NoWorkersRejectedImmediately()
    {
        using var sut = CreateSut(new DispatchOptions { MaxQueueLength = 0 });

        var outcome = sut.Submit("llama");

        Assert.Equal(new SubmitOutcome("request-1", null, DispatchFailure.Of(DispatchFailureKind.NoWorkersAvailable)), outcome);
    }
}
