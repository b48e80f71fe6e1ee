using Microsoft.Extensions.Time.Testing;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Relay;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>Concurrency limit, draining, drain deadlines and the live in-flight count.</summary>
public sealed class RelayCapacityTests
{
    private const string HeldBody = "done:{\"model\":\"gpt-4.1-mini\"}";

    [Fact]
    public async Task Start_OverMaxConcurrency_503OverloadedWithoutFetching()
    {
        await using var backend = await HoldingBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url, maxConcurrency: 2);

        sut.Session.Start(RelaySut.Request("request-1"));
        sut.Session.Start(RelaySut.Request("request-2"));
        sut.Session.Start(RelaySut.Request("request-3"));
        var rejected = await sut.Outbound.WaitForCompletionAsync("request-3");
        await backend.Arrived.WaitForAsync(2);
        backend.Release();
        await sut.Outbound.WaitUntilAsync(o => o.Messages.Count == 3);

        FrameText.AssertEqual(RelayErrors.Overloaded("request-3", 2), rejected);
        Assert.Equal("""{"error":{"type":"worker_overloaded","message":"worker is at its concurrency limit (2)"}}""", rejected.Body);
        Assert.Equal(2, backend.Backend.Calls.Count);
        Assert.Equal([200, 200], new[] { "request-1", "request-2" }.Select(id => (int)sut.Outbound.Completions(id).Single().StatusCode));
    }

    [Fact]
    public async Task Cancel_AtMaxConcurrency_SlotFreeForNextRequestAtOnce()
    {
        // A proxy frees a cancelled request's slot when it sends cancel and may dispatch the next request
        // before our 499 has gone out: that request must be admitted, not refused as over capacity.
        await using var backend = await HoldingBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url, maxConcurrency: 1);
        sut.Session.Start(RelaySut.Request("request-1"));
        await backend.Arrived.WaitForAsync(1);

        sut.Session.Cancel(new CancelRequest("request-1", CancelReason.ClientDisconnect));
        var loadAfterCancel = sut.Session.InFlight;
        sut.Session.Start(RelaySut.Request("request-2"));
        await backend.Arrived.WaitForAsync(2);
        backend.Release();
        var served = await sut.Outbound.WaitForCompletionAsync("request-2");
        var cancelled = await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal(0, loadAfterCancel);
        Assert.Equal((200, HeldBody), (served.StatusCode, served.Body));
        Assert.Equal(499, cancelled.StatusCode);
        Assert.Equal(0, sut.Session.InFlight);
    }

    [Fact]
    public async Task BeginDraining_NewRequest_503DrainingWhileInFlightRequestFinishes()
    {
        await using var backend = await HoldingBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);
        sut.Session.Start(RelaySut.Request("request-1"));
        await backend.Arrived.WaitForAsync(1);

        sut.Session.BeginDraining();
        sut.Session.Start(RelaySut.Request("request-2"));
        var rejected = await sut.Outbound.WaitForCompletionAsync("request-2");
        backend.Release();
        var finished = await sut.Outbound.WaitForCompletionAsync("request-1");

        FrameText.AssertEqual(RelayErrors.Draining("request-2"), rejected);
        Assert.Equal("""{"error":{"type":"worker_draining","message":"worker is draining and accepts no new requests"}}""", rejected.Body);
        Assert.Equal((200, HeldBody), (finished.StatusCode, finished.Body));
        Assert.Single(backend.Backend.Calls);
    }

    [Fact]
    public async Task DrainAsync_InFlightFinishesInTime_CompletesNormally()
    {
        await using var backend = await HoldingBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);
        sut.Session.Start(RelaySut.Request("request-1"));
        sut.Session.Start(RelaySut.Request("request-2", streaming: true, body: """{"stream":true}"""));
        await backend.Arrived.WaitForAsync(2);

        var drain = sut.Session.DrainAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(drain.IsCompleted);
        backend.Release();
        await drain.WaitAsync(RecordingOutbound.WaitLimit);

        Assert.Equal(0, sut.Session.InFlight);
        Assert.Equal((200, HeldBody), (sut.Outbound.Completions("request-1").Single().StatusCode, sut.Outbound.Completions("request-1").Single().Body));
        Assert.Equal(HoldingBackend.FirstChunk + "done:{\"stream\":true}", sut.Outbound.ChunkText("request-2"));
        Assert.Equal(200, sut.Outbound.Completions("request-2").Single().StatusCode);
    }

    [Fact]
    public async Task DrainAsync_DeadlinePasses_RemainingCompletedWith503AndBackendCallsAborted()
    {
        await using var backend = await HoldingBackend.StartAsync();
        var time = new FakeTimeProvider();
        await using var sut = RelaySut.Create(backend.Url, timeProvider: time);
        sut.Session.Start(RelaySut.Request("request-1"));
        sut.Session.Start(RelaySut.Request("request-2", streaming: true, body: """{"stream":true}"""));
        await backend.Arrived.WaitForAsync(2);

        var drain = sut.Session.DrainAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(drain.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await drain.WaitAsync(RecordingOutbound.WaitLimit);
        await backend.Aborted.WaitForAsync(2);

        FrameText.AssertEqual(RelayErrors.DrainTimedOut("request-1"), sut.Outbound.Completions("request-1").Single());
        FrameText.AssertEqual(RelayErrors.DrainTimedOut("request-2"), sut.Outbound.Completions("request-2").Single());
        Assert.Equal("""{"error":{"type":"worker_draining","message":"worker shut down before the request finished"}}""", sut.Outbound.Completions("request-1")[0].Body);
        Assert.Equal(0, sut.Session.InFlight);
    }

    [Fact]
    public async Task DrainAsync_Idle_CompletesAtOnce()
    {
        var time = new FakeTimeProvider();
        await using var sut = RelaySut.Create("http://127.0.0.1:1", timeProvider: time);

        await sut.Session.DrainAsync(TimeSpan.FromSeconds(30), CancellationToken.None).WaitAsync(RecordingOutbound.WaitLimit);

        Assert.Empty(sut.Outbound.Messages);
    }

    [Fact]
    public async Task InFlight_ThreeHeldByBackend_ThreeThenZeroAfterRelease()
    {
        await using var backend = await HoldingBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);
        var counts = new List<int>();
        using var subscription = sut.Session.InFlightChanges.Subscribe(count => { lock (counts) { counts.Add(count); } });

        for (var i = 1; i <= 3; i++)
        {
            sut.Session.Start(RelaySut.Request($"request-{i}"));
        }

        await backend.Arrived.WaitForAsync(3);
        var held = sut.Session.InFlight;
        backend.Release();
        await sut.Outbound.WaitUntilAsync(o => o.Messages.Count == 3);

        Assert.Equal((3, 0), (held, sut.Session.InFlight));
        Assert.Equal([0, 1, 2, 3, 2, 1, 0], counts);
    }

    [Fact]
    public async Task InFlightChanges_LateSubscriber_GetsCurrentCount()
    {
        await using var backend = await HoldingBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);
        sut.Session.Start(RelaySut.Request("request-1"));
        await backend.Arrived.WaitForAsync(1);

        var first = -1;
        using (sut.Session.InFlightChanges.Subscribe(count => first = count))
        {
            Assert.Equal(1, first);
        }
    }
}
