namespace RxRelay.Bench.Targets;

/// <summary>
/// One way of reaching the echo backend: its base address, the model to ask for, and the processes
/// in the path whose memory is reported (none for direct).
/// </summary>
internal sealed record LoadTarget(string Name, Uri BaseAddress, string Model, IReadOnlyList<ChildProcess> Monitored)
{
    public Uri ChatCompletions => new(BaseAddress, "/v1/chat/completions");
}
