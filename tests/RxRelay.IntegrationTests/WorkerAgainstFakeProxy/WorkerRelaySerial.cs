namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>
/// The end-to-end worker tests run one at a time: each starts a proxy, a backend and a worker host, and
/// several assert timings (cancel within 1 s, reconnect within 3 s) that parallel stacks on two cores would blur.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WorkerRelaySerial
{
    public const string Name = "WorkerRelay";
}
