namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// The shortened timings every test runs with, in one place. Real time on a loaded 2-core CI box:
/// each bound is several times what the step needs, and no wait is ever unbounded.
/// </summary>
internal static class Bounds
{
    /// <summary>Proxy pings a worker after this much silence (either direction).</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(0.3);

    /// <summary>Proxy removes a worker when nothing arrives this long after a ping (room for a pong from a busy box).</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Worker ends a session with no inbound frame for this long (while idle).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(1);

    /// <summary>A program's start until it answers (process start + JIT on a busy box).</summary>
    public static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    /// <summary>A worker (re)registering: connect, backoff of 1–2 s + jitter, register.</summary>
    public static readonly TimeSpan Registration = TimeSpan.FromSeconds(15);

    /// <summary>Any single request or event that should come promptly.</summary>
    public static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    /// <summary>How long "nothing happens" is observed before it is believed.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
}
