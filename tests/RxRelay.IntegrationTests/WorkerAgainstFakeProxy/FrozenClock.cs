namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>
/// A clock whose "now" never moves but whose timers are real: the echo backend's <c>created</c> fields
/// are then predictable while its <c>x-echo-delay-ms</c> pacing still runs in real time.
/// </summary>
internal sealed class FrozenClock : TimeProvider
{
    public static readonly FrozenClock Instance = new();

    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public override DateTimeOffset GetUtcNow() => Now;
}
