namespace RxRelay.Worker.Tests.Connection;

/// <summary>
/// A real relay publishes its in-flight count from its own threads while holding its own lock, and
/// frame handling calls into that relay. These tests force the interleaving that once deadlocked a
/// loaded worker (found by the benchmark run): it must not, whatever the order.
/// </summary>
public sealed class WorkerConnectionLockOrderTests
{
    private const string RequestJson =
        """{"type":"request","request_id":"request-1","model":"llama-3.1-70b","endpoint_path":"/v1/chat/completions","is_streaming":false,"body":"{}"}""";

    [Fact]
    public async Task Run_RelayPublishesLoadUnderItsLockWhileFrameWaitsForThatLock_NoDeadlock()
    {
        var sut = new ConnectionHarness().Start();
        var relayLock = new object();
        using var relayHoldsLock = new ManualResetEventSlim();
        using var frameInStart = new ManualResetEventSlim();
        sut.Relay(0).OnStart = _ =>
        {
            frameInStart.Set();
            lock (relayLock)
            {
            }
        };

        // The relay's thread: takes its lock, then (once the frame is waiting for that lock) publishes.
        var relayThread = Task.Factory.StartNew(
            () =>
            {
                lock (relayLock)
                {
                    relayHoldsLock.Set();
                    frameInStart.Wait();
                    sut.Relay(0).SetInFlight(1);
                }
            },
            TaskCreationOptions.LongRunning);

        // The receive loop: delivers a request whose handling needs the relay's lock.
        var receiveThread = Task.Factory.StartNew(
            () =>
            {
                relayHoldsLock.Wait();
                sut.Link(0).Receive(RequestJson);
            },
            TaskCreationOptions.LongRunning);

        await Task.WhenAll(relayThread, receiveThread).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["start request-1"], sut.Relay(0).Calls);
    }
}
