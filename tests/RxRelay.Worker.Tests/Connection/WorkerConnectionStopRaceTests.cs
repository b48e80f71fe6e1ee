using RxRelay.Worker.Connection;
using static RxRelay.Worker.Tests.Connection.ConnectionHarness;

namespace RxRelay.Worker.Tests.Connection;

/// <summary>
/// Stop racing the socket's end: a stop racing the socket's end (worker and proxy stopped together) is still
/// a clean stop.
/// </summary>
public sealed class WorkerConnectionStopRaceTests
{
    [Fact]
    public void StopAsync_SocketAbortedUnderTheStop_CompletesAndLogsTheInterruption()
    {
        var sut = new ConnectionHarness().Start();
        Task? stop = null;
        sut.At(5, () =>
        {
            // What a WebSocket aborted mid-write reports: cancellation, though nobody cancelled the stop.
            sut.Link(0).SendFailure = new OperationCanceledException("Aborted", new IOException("the connection to the proxy is closed"));
            stop = sut.Connection.StopAsync(CancellationToken.None);
        });

        sut.RunTo(100);

        Assert.True(stop!.IsCompletedSuccessfully, $"stop ended {stop.Status}");
        Assert.Equal(["the session ended while shutting down"], sut.LinesWithId(1112));
    }

    [Fact]
    public async Task StopAsync_CallersOwnCancellation_StillGoesUp()
    {
        var sut = new ConnectionHarness().Start();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        Task? stop = null;
        sut.At(5, () =>
        {
            sut.Link(0).SendFailure = new OperationCanceledException(cancelled.Token);
            stop = sut.Connection.StopAsync(cancelled.Token);
        });

        sut.RunTo(100);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stop!);
    }
}
