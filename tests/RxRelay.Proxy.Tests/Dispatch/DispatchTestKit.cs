using Microsoft.Extensions.Time.Testing;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>Records what the core sends to one worker; can be told to refuse frames.</summary>
internal sealed class RecordingFrameSink : IWorkerFrameSink
{
    public List<ProxyMessage> Frames { get; } = [];

    public List<(ushort Code, string Reason)> Closes { get; } = [];

    public bool Refuse { get; set; }

    /// <summary>Frames other than the register_ack, which every worker gets first.</summary>
    public IReadOnlyList<ProxyMessage> AfterAck => Frames.Skip(1).ToList();

    public IReadOnlyList<string> RequestIds => Frames.OfType<WorkerRequest>().Select(r => r.RequestId).ToList();

    public bool TrySend(ProxyMessage message)
    {
        if (Refuse) return false;
        Frames.Add(message);
        return true;
    }

    public void Close(ushort code, string reason) => Closes.Add((code, reason));
}

/// <summary>The shared setup of the dispatch-core tests: a core on virtual time plus terse helpers; one per test.</summary>
internal sealed class CoreHarness : IDisposable
{
    public const string Provider = "openai";

    public CoreHarness(DispatchOptions? options = null)
    {
        Core = new DispatchCore(options ?? new DispatchOptions(), Time, action => action());
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));

    public DispatchCore Core { get; }

    public Dictionary<string, RecordingFrameSink> Sinks { get; } = [];

    public Dictionary<string, RequestHandle> Handles { get; } = [];

    public string Register(string name, string[] models, uint max = 1, uint load = 0, string provider = Provider)
    {
        var sink = new RecordingFrameSink();
        var registration = Core.RegisterWorker(provider, name, models, max, load, "2026-04-bridge-v1", sink);
        Sinks[registration.WorkerId] = sink;
        return registration.WorkerId;
    }

    public SubmitOutcome Submit(string model, bool streaming = false, string provider = Provider)
    {
        var outcome = Core.Submit(new SubmitRequest(
            provider, model, "/v1/chat/completions", streaming, "{\"model\":\"" + model + "\"}",
            new Dictionary<string, string>(StringComparer.Ordinal)));
        if (outcome.Handle is { } handle) Handles[outcome.RequestId] = handle;
        return outcome;
    }

    public FrameVerdict Complete(string workerId, string requestId, ushort status = 200, string body = "ok") =>
        Core.OnComplete(workerId, Completion(requestId, status, body));

    public static ResponseComplete Completion(string requestId, ushort status = 200, string body = "ok") =>
        new(requestId, status, new Dictionary<string, string>(StringComparer.Ordinal), body);

    public IReadOnlyList<string> RequestsSentTo(string workerId) => Sinks[workerId].RequestIds;

    /// <summary>Every event buffered for a request so far (reading frees the buffer, as the HTTP handler would).</summary>
    public List<RequestEvent> Events(string requestId)
    {
        var events = new List<RequestEvent>();
        while (Handles[requestId].Events.TryRead(out var item)) events.Add(item);
        return events;
    }

    public bool IsEnded(string requestId) => Handles[requestId].Events.Completion.IsCompleted;

    public static RequestEvent.Failed Failed(DispatchFailureKind kind) => new(DispatchFailure.Of(kind));

    public void Dispose() => Core.Dispose();
}

/// <summary>
/// The <c>Source</c> trait of a dispatch-core test: where the rule it checks came from (filter with
/// <c>--filter Source=Reference</c>). Tests without it check RxRelay's own rules.
/// </summary>
internal static class TestSource
{
    public const string Trait = "Source";

    /// <summary>
    /// The 15 upstream server-core tests (docs/differences-from-upstream.md#upstream-tests-unit), ported;
    /// adjusted ones say why.
    /// </summary>
    public const string Reference = "Reference";

    /// <summary>
    /// One test per RxRelay improvement over upstream dispatch (docs/differences-from-upstream.md#proxy:
    /// cancel frees the slot, event-driven dispatch, no stream replay, requeue under the request's own
    /// provider, bounded buffers).
    /// </summary>
    public const string Improvement = "Improvement";

    /// <summary>
    /// Contract-harness scenarios 3–24 (docs/differences-from-upstream.md#upstream-tests-harness) that apply
    /// to the server core (the item number is on the test). Covered elsewhere: 3–4 (DispatchCoreDrainTests),
    /// 9, 16, 17, 23, 24 (<see cref="Reference"/> tests). Not here: 5 (provider deletion is library-only
    /// upstream and not offered), 12–13 (stale-worker expiry is the socket layer's heartbeat, not a core
    /// state).
    /// </summary>
    public const string HarnessScenario = "HarnessScenario";
}
