using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RxRelay.Proxy.Monitoring;

namespace RxRelay.Proxy.Tests.Monitoring;

public sealed class ProxyMetricsTests
{
    private static MetricsHarness CreateSut() => new();

    private static long Count(MetricCollector<long> collector, string outcome, string model = "m") =>
        collector.GetMeasurementSnapshot()
            .Where(m => (string?)m.Tags["outcome"] == outcome && (string?)m.Tags["model"] == model)
            .Sum(m => m.Value);

    private static int Gauge(MetricCollector<int> collector, string key, string value)
    {
        collector.RecordObservableInstruments();
        return collector.GetMeasurementSnapshot().Last(m => (string?)m.Tags[key] == value).Value;
    }

    [Fact]
    public void Requests_ThreeRequestsOneQueueTimeout_TwoOkOneQueueTimeout()
    {
        using var sut = CreateSut();
        using var requests = sut.Collect<long>("rxrelay.requests");
        using var queueWait = sut.Collect<double>("rxrelay.queue.wait");
        using var firstByte = sut.Collect<double>("rxrelay.time_to_first_byte");
        var worker = sut.Register("w", ["m"]);
        var a = sut.Submit("m");
        var b = sut.Submit("m");
        var c = sut.Submit("m");

        sut.Time.Advance(TimeSpan.FromSeconds(10));
        sut.Complete(worker, a); // b takes the slot after 10 s in the queue
        a.Finish();
        sut.Time.Advance(TimeSpan.FromSeconds(20)); // c reaches the 30 s queue timeout
        c.Finish();
        sut.Complete(worker, b);
        b.Finish();

        Assert.Equal(2, Count(requests, "ok"));
        Assert.Equal(1, Count(requests, "queue_timeout"));
        Assert.Equal(3, requests.GetMeasurementSnapshot().Count);
        Assert.Equal([0.0, 10.0], queueWait.GetMeasurementSnapshot().Select(m => m.Value)); // c was never dispatched
        Assert.Equal([10.0, 30.0], firstByte.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public void Requests_LabelsOfOneRequest_AreExactlyTheFourBoundedOnes()
    {
        using var sut = CreateSut();
        using var requests = sut.Collect<long>("rxrelay.requests");
        var worker = sut.Register("w", ["m"]);
        var a = sut.Submit("m", stream: true);
        sut.Complete(worker, a);
        a.Finish();

        var tags = requests.LastMeasurement!.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [new("endpoint", "/v1/chat/completions"), new("model", "m"), new("outcome", "ok"), new("stream", "true")],
            tags.Select(t => new KeyValuePair<string, string?>(t.Key, (string?)t.Value)));
    }

    [Fact]
    public void Requests_ModelNoWorkerRegistered_IsOther()
    {
        using var sut = CreateSut();
        using var requests = sut.Collect<long>("rxrelay.requests");
        using var depth = sut.Collect<int>("rxrelay.queue.depth");
        sut.Register("w", ["m"]);
        var invented = sut.Submit("sk-secret-looking-free-text");

        Assert.Equal(1, Gauge(depth, "model", "other"));
        sut.Time.Advance(TimeSpan.FromSeconds(30));
        invented.Finish();

        Assert.Equal(1, Count(requests, "queue_timeout", model: "other"));
        Assert.DoesNotContain(requests.GetMeasurementSnapshot(), m => m.Tags.Values.Contains("sk-secret-looking-free-text"));
    }

    [Fact]
    public void TimeToFirstByte_FirstByteNotedTwiceAndFinishedTwice_RecordedOnce()
    {
        using var sut = CreateSut();
        using var firstByte = sut.Collect<double>("rxrelay.time_to_first_byte");
        using var requests = sut.Collect<long>("rxrelay.requests");
        var worker = sut.Register("w", ["m"]);
        var a = sut.Submit("m", stream: true);
        sut.Time.Advance(TimeSpan.FromMilliseconds(250));
        a.Observation.FirstByte();
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        sut.Complete(worker, a);
        a.Finish();
        a.Observation.Finish(new Microsoft.AspNetCore.Http.DefaultHttpContext(), sut.AccessLog);

        Assert.Equal([0.25], firstByte.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Single(requests.GetMeasurementSnapshot());
    }

    [Fact]
    public void QueueDepthAndInFlight_RequestsQueueAndDrain_GaugesGoUpAndDown()
    {
        using var sut = CreateSut();
        using var depth = sut.Collect<int>("rxrelay.queue.depth");
        using var inFlight = sut.Collect<int>("rxrelay.requests.in_flight");
        var worker = sut.Register("w", ["m"]);
        Assert.Equal(0, Gauge(depth, "model", "m"));

        var a = sut.Submit("m");
        var b = sut.Submit("m");
        var c = sut.Submit("m");
        Assert.Equal(2, Gauge(depth, "model", "m"));
        Assert.Equal(1, Gauge(inFlight, "model", "m"));

        sut.Complete(worker, a);
        Assert.Equal(1, Gauge(depth, "model", "m"));
        sut.Complete(worker, b);
        sut.Complete(worker, c);
        Assert.Equal(0, Gauge(depth, "model", "m"));
        Assert.Equal(0, Gauge(inFlight, "model", "m"));
    }

    [Fact]
    public void WorkersAndSlots_TwoWorkersOneBusy_ReportStateCapacityAndBusy()
    {
        using var sut = CreateSut();
        using var workers = sut.Collect<int>("rxrelay.workers");
        using var slots = sut.Collect<long>("rxrelay.worker.slots");
        sut.Register("a", ["m"], max: 4);
        sut.Register("b", ["m", "n"], max: 2);
        sut.Submit("n");

        Assert.Equal(2, Gauge(workers, "state", "active"));
        Assert.Equal(0, Gauge(workers, "state", "draining"));
        slots.RecordObservableInstruments();
        var values = slots.GetMeasurementSnapshot()
            .Select(m => ((string?)m.Tags["model"], (string?)m.Tags["kind"], m.Value))
            .OrderBy(v => v, Comparer<(string?, string?, long)>.Default)
            .ToList();
        Assert.Equal([("m", "busy", 1L), ("m", "capacity", 6L), ("n", "busy", 1L), ("n", "capacity", 2L)], values);
    }

    [Fact]
    public void Requeues_WorkerLostWithRequestInFlight_CountsWorkerLost()
    {
        using var sut = CreateSut();
        using var requeues = sut.Collect<long>("rxrelay.requeues");
        using var queueWait = sut.Collect<double>("rxrelay.queue.wait");
        var first = sut.Register("a", ["m"]);
        var a = sut.Submit("m");
        sut.Time.Advance(TimeSpan.FromSeconds(2));

        sut.Dispatcher.OnWorkerGone(first);
        var second = sut.Register("b", ["m"]);

        Assert.Equal("worker_lost", (string?)requeues.LastMeasurement!.Tags["reason"]);
        Assert.Single(requeues.GetMeasurementSnapshot());
        sut.Complete(second, a);
        a.Finish();
        Assert.Equal([0.0], queueWait.GetMeasurementSnapshot().Select(m => m.Value)); // wait to the first dispatch
        Assert.Equal(second, a.Observation.WorkerId);
    }

    [Fact]
    public void Requests_NoListener_RecordsNothingAndDoesNotThrow()
    {
        using var sut = CreateSut();
        var worker = sut.Register("w", ["m"]);
        var a = sut.Submit("m");
        sut.Complete(worker, a);

        a.Finish();

        Assert.Equal(1, sut.AccessLog.Collector.Count); // the access log does not depend on metrics
    }
}
