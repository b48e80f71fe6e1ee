using System.Diagnostics;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Relay;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>Each request fails alone: backend down, cancel, a dead socket, disposal.</summary>
public sealed class RelayFaultTests
{
    [Fact]
    public async Task Start_BackendDown_502ThenNextRequestOnSameSessionServed()
    {
        var port = FreePort.Next();
        await using var sut = RelaySut.Create($"http://127.0.0.1:{port}");

        sut.Session.Start(RelaySut.Request("request-1"));
        var failed = await sut.Outbound.WaitForCompletionAsync("request-1");
        await using var backend = await ScriptedBackend.StartAsync(context => ReferenceBackend.WriteAsync(context.Response, 200, "application/json", "{}"), new ScriptedBackendOptions { Port = port });
        sut.Session.Start(RelaySut.Request("request-2"));
        var served = await sut.Outbound.WaitForCompletionAsync("request-2");

        FrameText.AssertEqual(RelayErrors.BackendUnavailable("request-1"), failed);
        Assert.Equal("""{"error":{"type":"backend_unavailable","message":"the backend could not be reached or sent no response"}}""", failed.Body);
        Assert.Equal((200, "{}"), (served.StatusCode, served.Body));
        Assert.Equal(0, sut.Session.InFlight);
    }

    [Theory]
    [InlineData(true, "/v1/responses")]
    [InlineData(true, "/v1/messages")]
    [InlineData(false, "/v1/chat/completions")]
    public async Task Cancel_InFlightRequest_BackendConnectionClosedWithinOneSecondAndOne499(bool streaming, string path)
    {
        await using var backend = await HoldingBackend.StartAsync();
        var sut = RelaySut.Create(backend.Url);

        sut.Session.Start(RelaySut.Request("request-1", path, streaming: streaming, body: streaming ? """{"stream":true}""" : "{}"));
        await backend.Arrived.WaitForAsync(1);
        await sut.Outbound.WaitUntilAsync(o => o.Chunks("request-1").Count == (streaming ? 1 : 0));
        var cancelledAt = Stopwatch.GetTimestamp();
        sut.Session.Cancel(new CancelRequest("request-1", CancelReason.ClientDisconnect));
        await backend.Aborted.WaitForAsync(1);
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");
        await sut.DisposeAsync();

        Assert.InRange(Stopwatch.GetElapsedTime(cancelledAt, backend.LastAbortTimestamp), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        FrameText.AssertEqual(new ResponseComplete("request-1", 499, new Dictionary<string, string>(), ""), completion);
        Assert.Single(sut.Outbound.Completions("request-1"));
        Assert.Equal(streaming ? [HoldingBackend.FirstChunk] : [], sut.Outbound.Chunks("request-1"));
    }

    [Fact]
    public async Task Cancel_UnknownRequest_NothingSentAndSessionServes()
    {
        await using var backend = await ReferenceBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.Cancel(new CancelRequest("request-9", CancelReason.Timeout));
        sut.Session.Start(RelaySut.Request("request-1", "/v1/messages"));
        await sut.Outbound.WaitForCompletionAsync("request-1");

        Assert.Equal(["request-1"], sut.Outbound.Messages.OfType<ResponseComplete>().Select(c => c.RequestId));
    }

    [Fact]
    public async Task Start_OutboundSendFails_RequestAbortedQuietlyAndNextRequestServed()
    {
        await using var backend = await HoldingBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);
        sut.Outbound.FailWith = new IOException("socket gone");

        sut.Session.Start(RelaySut.Request("request-1", streaming: true, body: """{"stream":true}"""));
        await backend.Aborted.WaitForAsync(1);
        await sut.Outbound.WaitUntilAsync(o => o.Attempts == 1);
        sut.Outbound.FailWith = null;
        backend.Release();
        sut.Session.Start(RelaySut.Request("request-2"));
        var served = await sut.Outbound.WaitForCompletionAsync("request-2");

        Assert.Equal((200, "done:{\"model\":\"gpt-4.1-mini\"}"), (served.StatusCode, served.Body));
        Assert.Empty(sut.Outbound.Completions("request-1"));
        Assert.Equal(2, sut.Outbound.Attempts);
    }

    [Fact]
    public async Task DisposeAsync_RequestsInFlight_AbortsBackendCallsAndSendsNothing()
    {
        await using var backend = await HoldingBackend.StartAsync();
        var sut = RelaySut.Create(backend.Url);
        var counts = new List<int>();
        var completed = false;
        using var subscription = sut.Session.InFlightChanges.Subscribe(counts.Add, () => completed = true);

        sut.Session.Start(RelaySut.Request("request-1"));
        sut.Session.Start(RelaySut.Request("request-2", streaming: true, body: """{"stream":true}"""));
        await backend.Arrived.WaitForAsync(2);
        await sut.DisposeAsync();
        await backend.Aborted.WaitForAsync(2);
        sut.Session.Start(RelaySut.Request("request-3"));

        Assert.Empty(sut.Outbound.Messages.OfType<ResponseComplete>());
        Assert.Equal(2, backend.Backend.Calls.Count);
        Assert.Equal(0, sut.Session.InFlight);
        Assert.Equal([0, 1, 2, 1, 0], counts);
        Assert.True(completed);
    }

    [Fact]
    public async Task Start_DuplicateIdInFlight_IgnoredAndOriginalCompletesOnce()
    {
        await using var backend = await HoldingBackend.StartAsync();
        await using var sut = RelaySut.Create(backend.Url);

        sut.Session.Start(RelaySut.Request("request-1"));
        await backend.Arrived.WaitForAsync(1);
        sut.Session.Start(RelaySut.Request("request-1", body: "{\"second\":true}"));
        backend.Release();
        var completion = await sut.Outbound.WaitForCompletionAsync("request-1");
        await sut.Session.DrainAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal("done:{\"model\":\"gpt-4.1-mini\"}", completion.Body);
        Assert.Single(sut.Outbound.Completions("request-1"));
        Assert.Single(backend.Backend.Calls);
    }
}
