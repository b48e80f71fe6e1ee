namespace RxRelay.Worker.Hosting;

/// <summary>
/// The worker's one process-wide runtime choice: socket continuations run inline on the socket
/// engine's event threads (one per core) instead of being queued to the thread pool.
/// <para>
/// Everything the worker does on a socket event is short and never blocks: decode a frame and start
/// the backend call up to its first await, or copy a backend read into a frame and queue it. Queuing
/// each of those to the thread pool woke a pool thread per event, and on a loaded relay those wake-ups
/// cost more CPU than the work (docs/benchmarks.md: 32 → 27 µs of worker CPU per relayed request).
/// </para>
/// <para>
/// .NET reads the switch from the environment once, at the first socket operation, so it is set first
/// thing in <c>Main</c>. An explicit value wins: <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0</c>
/// turns it off.
/// </para>
/// </summary>
internal static class SocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Sets the switch to 1 unless the environment already says otherwise; returns the value in force.</summary>
    public static string PreferInline(Func<string, string?> getEnvironment, Action<string, string> setEnvironment)
    {
        ArgumentNullException.ThrowIfNull(getEnvironment);
        ArgumentNullException.ThrowIfNull(setEnvironment);
        if (getEnvironment(Variable) is { } explicitValue)
        {
            return explicitValue;
        }

        setEnvironment(Variable, "1");
        return "1";
    }
}
