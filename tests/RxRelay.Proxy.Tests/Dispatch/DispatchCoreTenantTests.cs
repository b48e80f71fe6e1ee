using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// Tenants (issue 12 item 1): a worker registered with client API key K serves only requests of K;
/// shared-secret workers serve everyone, K's requests included; a request without a key never reaches a key
/// worker. Holds for selection on submit, for queue pulls and for requeues.
/// </summary>
public sealed class DispatchCoreTenantTests
{
    private const string KeyA = "key-a";
    private const string KeyB = "key-b";

    private static CoreHarness CreateSut(DispatchOptions? options = null) => new(options);

    [Fact]
    public void Submit_OtherTenantWithKeyAndSharedWorkers_NoneReachTheKeyWorker()
    {
        using var sut = CreateSut();
        var keyWorker = sut.RegisterFor(KeyA, "tenant-box", ["llama"], max: 10);
        var shared = sut.Register("shared-box", ["llama"], max: 10);

        var outcomes = Enumerable.Range(0, 10).Select(_ => sut.SubmitFor(KeyB, "llama")).ToList();

        Assert.All(outcomes, o => Assert.True(o.IsAccepted));
        Assert.Empty(sut.RequestsSentTo(keyWorker));
        Assert.Equal(10, sut.RequestsSentTo(shared).Count);
    }

    [Fact]
    public void Submit_NoKeyWithOnlyAKeyWorker_QueuedNotSent()
    {
        using var sut = CreateSut();
        var keyWorker = sut.RegisterFor(KeyA, "tenant-box", ["llama"], max: 10);

        var outcome = sut.Submit("llama");

        Assert.Empty(sut.RequestsSentTo(keyWorker));
        Assert.Equal([outcome.RequestId], sut.Core.QueuedIds());
    }

    [Fact]
    public void Submit_OwnTenant_GoesToTheKeyWorkerAndAlsoToSharedWorkers()
    {
        using var sut = CreateSut();
        var keyWorker = sut.RegisterFor(KeyA, "tenant-box", ["llama"]);
        var shared = sut.Register("shared-box", ["llama"]);

        sut.SubmitFor(KeyA, "llama");
        sut.SubmitFor(KeyA, "llama");

        Assert.Equal(["request-1"], sut.RequestsSentTo(keyWorker));
        Assert.Equal(["request-2"], sut.RequestsSentTo(shared));
    }

    [Fact]
    public void RegisterWorker_KeyWorkerWithOlderForeignRequestsQueued_PullsOnlyItsOwnOldestFirst()
    {
        using var sut = CreateSut();
        sut.Submit("llama");
        sut.SubmitFor(KeyB, "llama");
        sut.SubmitFor(KeyA, "other-model");
        sut.SubmitFor(KeyA, "llama");
        sut.SubmitFor(KeyA, "llama");

        var keyWorker = sut.RegisterFor(KeyA, "tenant-box", ["llama"], max: 5);

        Assert.Equal(["request-4", "request-5"], sut.RequestsSentTo(keyWorker));
        Assert.Equal(["request-1", "request-2", "request-3"], sut.Core.QueuedIds());
    }

    [Fact]
    public void RegisterWorker_WildcardKeyWorker_PullsEveryModelOfItsTenantOnly()
    {
        using var sut = CreateSut();
        sut.SubmitFor(KeyB, "llama");
        sut.SubmitFor(KeyA, "qwen");
        sut.Submit("mistral");
        sut.SubmitFor(KeyA, "llama");

        var keyWorker = sut.RegisterFor(KeyA, "tenant-box", ["*"], max: 5);

        Assert.Equal(["request-2", "request-4"], sut.RequestsSentTo(keyWorker));
        Assert.Equal(["request-1", "request-3"], sut.Core.QueuedIds());
    }

    [Fact]
    public void OnComplete_SharedWorkerFreed_TakesTheOldestRequestWhateverItsTenant()
    {
        using var sut = CreateSut();
        var shared = sut.Register("shared-box", ["llama"]);
        sut.Submit("llama");
        sut.SubmitFor(KeyA, "llama");
        sut.Submit("llama");

        sut.Complete(shared, "request-1");

        Assert.Equal(["request-1", "request-2"], sut.RequestsSentTo(shared));
        Assert.Equal(["request-3"], sut.Core.QueuedIds());
    }

    [Fact]
    public void OnWorkerGone_TenantRequestRequeued_SkipsAnotherTenantsWorkerForASharedOne()
    {
        using var sut = CreateSut();
        var keyWorker = sut.RegisterFor(KeyA, "tenant-box", ["llama"]);
        sut.SubmitFor(KeyA, "llama");
        var otherTenant = sut.RegisterFor(KeyB, "other-box", ["llama"]);
        var shared = sut.Register("shared-box", ["llama"]);

        sut.Core.OnWorkerGone(keyWorker);

        Assert.Empty(sut.RequestsSentTo(otherTenant));
        Assert.Equal(["request-1"], sut.RequestsSentTo(shared));
    }

    [Fact]
    public void Submit_QueueFullAndOnlyAForeignKeyWorkerServesTheModel_NoWorkersAvailable()
    {
        using var sut = CreateSut(new DispatchOptions { MaxQueueLength = 0 });
        sut.RegisterFor(KeyA, "tenant-box", ["llama"]);

        var outcome = sut.SubmitFor(KeyB, "llama");

        Assert.Equal(DispatchFailureKind.NoWorkersAvailable, outcome.Rejection!.Kind);
    }
}

/// <summary>Tenant-aware registration and submission on <see cref="CoreHarness"/>.</summary>
internal static class TenantHarness
{
    public static string RegisterFor(this CoreHarness harness, string tenant, string name, string[] models, uint max = 1)
    {
        var sink = new RecordingFrameSink();
        var registration = harness.Core.RegisterWorker(CoreHarness.Provider, name, models, max, 0, "2026-04-bridge-v1", sink, tenant);
        harness.Sinks[registration.WorkerId] = sink;
        return registration.WorkerId;
    }

    public static SubmitOutcome SubmitFor(this CoreHarness harness, string tenant, string model)
    {
        var outcome = harness.Core.Submit(new SubmitRequest(
            CoreHarness.Provider, model, "/v1/chat/completions", false, "{\"model\":\"" + model + "\"}",
            new Dictionary<string, string>(StringComparer.Ordinal), tenant));
        if (outcome.Handle is { } handle) harness.Handles[outcome.RequestId] = handle;
        return outcome;
    }
}
