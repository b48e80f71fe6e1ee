namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>Which worker gets the work: lowest load, ties round robin; a freed worker takes the oldest request it can serve.</summary>
public sealed class DispatchCoreSelectionTests
{
    private static CoreHarness CreateSut() => new();

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void Submit_LoadsZeroZeroOne_PicksFirstSecondThirdThenFirst()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"], max: 3, load: 0);
        var w2 = sut.Register("b", ["llama"], max: 3, load: 0);
        var w3 = sut.Register("c", ["llama"], max: 3, load: 1);

        for (var i = 0; i < 4; i++) sut.Submit("llama");

        Assert.Equal(["request-1", "request-4"], sut.RequestsSentTo(w1));
        Assert.Equal(["request-2"], sut.RequestsSentTo(w2));
        Assert.Equal(["request-3"], sut.RequestsSentTo(w3));
    }

    [Fact] // item 8
    [Trait(TestSource.Trait, TestSource.HarnessScenario)]
    public void Submit_TwoWorkersMaxTwo_SpreadsByLowestLoad()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"], max: 2);
        var w2 = sut.Register("b", ["llama"], max: 2);

        sut.Submit("llama");
        sut.Submit("llama");

        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
        Assert.Equal(["request-2"], sut.RequestsSentTo(w2));
    }

    [Fact] // item 10
    [Trait(TestSource.Trait, TestSource.HarnessScenario)]
    public void Submit_ThreeEqualWorkersMaxTwo_RotatesOneTwoThreeOne()
    {
        using var sut = CreateSut();
        var workers = new[] { sut.Register("a", ["llama"], 2), sut.Register("b", ["llama"], 2), sut.Register("c", ["llama"], 2) };

        for (var i = 0; i < 4; i++) sut.Submit("llama");

        Assert.Equal(["request-1", "request-4"], sut.RequestsSentTo(workers[0]));
        Assert.Equal(["request-2"], sut.RequestsSentTo(workers[1]));
        Assert.Equal(["request-3"], sut.RequestsSentTo(workers[2]));
    }

    [Fact] // item 11
    [Trait(TestSource.Trait, TestSource.HarnessScenario)]
    public void OnPong_ReportedLoads_NextRequestGoesToLessLoadedWorker()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"], max: 2);
        var w2 = sut.Register("b", ["llama"], max: 2);

        sut.Core.OnPong(w1, 1);
        sut.Core.OnPong(w2, 0);
        sut.Submit("llama");

        Assert.Equal(["request-1"], sut.RequestsSentTo(w2));
        Assert.Empty(sut.RequestsSentTo(w1));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void OnComplete_MixedQueue_EachWorkerTakesOldestCompatible()
    {
        using var sut = CreateSut();
        var llama = sut.Register("a", ["llama"]);
        var mistral = sut.Register("b", ["mistral"]);
        sut.Submit("llama");
        sut.Submit("mistral");
        sut.Submit("mistral");
        sut.Submit("llama");
        sut.Submit("llama");

        sut.Complete(llama, "request-1");
        sut.Complete(mistral, "request-2");

        Assert.Equal(["request-1", "request-4"], sut.RequestsSentTo(llama));
        Assert.Equal(["request-2", "request-3"], sut.RequestsSentTo(mistral));
        Assert.Equal(["request-5"], sut.Core.QueuedIds());
    }
}
