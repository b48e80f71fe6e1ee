using Microsoft.Extensions.Time.Testing;
using RxRelay.Protocol.Messages;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>
/// <c>models_refresh</c> (docs/protocol.md#models; upstream's live_backend.rs 11;
/// docs/differences-from-upstream.md#worker-models-refresh): in the background, never fatal.
/// </summary>
public sealed class RelayModelsRefreshTests
{
    [Fact]
    public async Task RefreshModels_BackendLists_ExactModelsUpdateAndCatalogReplaced()
    {
        await using var backend = await ScriptedBackend.StartAsync(context => ReferenceBackend.WriteAsync(
            context.Response, 200, "application/json", """{"object":"list","data":[{"id":"gpt-4.1-mini"},{"id":"gpt-oss-120b"}]}"""));
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.RefreshModels(new ModelsRefresh("test-refresh"));
        await sut.Outbound.WaitUntilAsync(o => o.Messages.Count == 1);

        FrameText.AssertEqual(new ModelsUpdate(["gpt-4.1-mini", "gpt-oss-120b"], 0), sut.Outbound.Messages[0]);
        Assert.Equal(["gpt-4.1-mini", "gpt-oss-120b"], sut.Catalog.Current);
        Assert.Equal(("GET", "/v1/models"), (backend.Calls[0].Method, backend.Calls[0].Path));
    }

    [Fact]
    public async Task RefreshModels_WithRequestInFlight_ReportsCurrentLoad()
    {
        var refreshReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await ScriptedBackend.StartAsync(async context =>
        {
            if (context.Request.Path == "/v1/models")
            {
                await ReferenceBackend.WriteAsync(context.Response, 200, "application/json", """{"data":[{"id":"m"}]}""");
                return;
            }

            refreshReady.TrySetResult();
            await release.Task;
        });
        await using var sut = RelaySut.Create(backend.Url);
        sut.Session.Start(RelaySut.Request("request-1"));
        await refreshReady.Task.WaitAsync(RecordingOutbound.WaitLimit);

        sut.Session.RefreshModels(new ModelsRefresh(null));
        await sut.Outbound.WaitUntilAsync(o => o.Messages.OfType<ModelsUpdate>().Any());
        release.SetResult();

        FrameText.AssertEqual(new ModelsUpdate(["m"], 1), sut.Outbound.Messages.OfType<ModelsUpdate>().Single());
    }

    [Theory]
    [InlineData(503, """{"data":[{"id":"x"}]}""")]
    [InlineData(200, "<html>")]
    [InlineData(200, """{"object":"list"}""")]
    [InlineData(200, """{"data":[]}""")]
    public async Task RefreshModels_BackendAnswerUnusable_NothingSentListKeptSessionServes(int status, string body)
    {
        await using var backend = await ScriptedBackend.StartAsync(context => context.Request.Path == "/v1/models"
            ? ReferenceBackend.WriteAsync(context.Response, status, "application/json", body)
            : ReferenceBackend.WriteAsync(context.Response, 200, "application/json", "{}"));
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.RefreshModels(new ModelsRefresh("test-refresh"));
        await sut.Session.DrainAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Empty(sut.Outbound.Messages);
        Assert.Equal(["gpt-4.1-mini"], sut.Catalog.Current);
        Assert.Single(backend.Calls);
    }

    [Fact]
    public async Task RefreshModels_BackendDown_NothingSentAndListKept()
    {
        await using var sut = RelaySut.Create("http://127.0.0.1:1");

        sut.Session.RefreshModels(new ModelsRefresh(null));
        await sut.Session.DrainAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Empty(sut.Outbound.Messages);
        Assert.Equal(["gpt-4.1-mini"], sut.Catalog.Current);
    }

    [Fact]
    public async Task RefreshModels_BackendHangs_CallerNotBlockedAndGivesUpAfterTenSeconds()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await ScriptedBackend.StartAsync(async context =>
        {
            asked.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        var time = new FakeTimeProvider();
        await using var sut = RelaySut.Create(backend.Url, timeProvider: time);

        sut.Session.RefreshModels(new ModelsRefresh(null));
        await asked.Task.WaitAsync(RecordingOutbound.WaitLimit);
        time.Advance(TimeSpan.FromSeconds(10));
        await sut.Session.DrainAsync(TimeSpan.FromSeconds(30), CancellationToken.None).WaitAsync(RecordingOutbound.WaitLimit);

        Assert.Empty(sut.Outbound.Messages);
        Assert.Equal(["gpt-4.1-mini"], sut.Catalog.Current);
    }
}
