using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using RxRelay.Proxy.Monitoring;
using RxRelay.Proxy.Tests.Dispatch;

namespace RxRelay.Proxy.Tests.Monitoring;

/// <summary>
/// A dispatcher on virtual time with the proxy's metrics attached, driven the way the inference route
/// drives it: one <see cref="RequestObservation"/> per request, finished from the request's terminal event.
/// </summary>
internal sealed class MetricsHarness : IDisposable
{
    public const string Endpoint = "/v1/chat/completions";

    private readonly ServiceProvider _services;

    public MetricsHarness(TimeSpan? queueTimeout = null)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Meters = _services.GetRequiredService<IMeterFactory>();
        Dispatcher = new Dispatcher(new DispatchOptions { QueueTimeout = queueTimeout ?? TimeSpan.FromSeconds(30) }, Time);
        Metrics = new ProxyMetrics(Meters, Dispatcher);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));

    public IMeterFactory Meters { get; }

    public Dispatcher Dispatcher { get; }

    public ProxyMetrics Metrics { get; }

    public FakeLogger AccessLog { get; } = new();

    public Dictionary<string, RecordingFrameSink> Sinks { get; } = [];

    public MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(Meters, ProxyMetrics.MeterName, instrument);

    public string Register(string name, string[] models, uint max = 1)
    {
        var sink = new RecordingFrameSink();
        var registration = Dispatcher.RegisterWorker(Provider, new Register(name, [.. models], max, "2026-04-bridge-v1", 0), sink);
        Sinks[registration.WorkerId] = sink;
        return registration.WorkerId;
    }

    public Request Submit(string model, bool stream = false)
    {
        var observation = new RequestObservation(Metrics, Time, RequestIds.Create(), Endpoint);
        observation.Describe(model, stream);
        var submit = new SubmitRequest(Provider, model, Endpoint, stream, "{}", new Dictionary<string, string>(), null, observation);
        var outcome = Dispatcher.Submit(submit);
        observation.Submitted(outcome.RequestId);
        return new Request(this, observation, outcome);
    }

    public void Complete(string workerId, Request request) =>
        Dispatcher.OnComplete(workerId, CoreHarness.Completion(request.Outcome.RequestId));

    public void Dispose()
    {
        Dispatcher.Dispose();
        _services.Dispose();
    }

    /// <summary>One submitted request and its observation.</summary>
    internal sealed class Request(MetricsHarness harness, RequestObservation observation, SubmitOutcome outcome)
    {
        public RequestObservation Observation { get; } = observation;

        public SubmitOutcome Outcome { get; } = outcome;

        /// <summary>Reads the terminal event as the route would, notes the outcome, and finishes the observation.</summary>
        public void Finish()
        {
            var context = new DefaultHttpContext();
            if (Outcome.Rejection is { } rejection)
            {
                Observation.End(RequestOutcomes.Of(rejection.Kind));
                context.Response.StatusCode = 503;
            }
            else
            {
                Assert.True(Outcome.Handle!.Events.TryRead(out var terminal), "the request has not ended");
                if (terminal is RequestEvent.Completed completed)
                {
                    Observation.FirstByte();
                    Observation.End(RequestOutcome.Ok);
                    context.Response.StatusCode = completed.Response.StatusCode;
                }
                else
                {
                    Observation.End(RequestOutcomes.Of(((RequestEvent.Failed)terminal).Failure.Kind));
                    context.Response.StatusCode = 503;
                }
            }

            Observation.Finish(context, harness.AccessLog);
        }
    }
}
