namespace RxRelay.Proxy.Cluster;

/// <summary>
/// The directory's time rules (issue 14). Fixed in production; tests shorten them. Every one of them runs on
/// the injected Rx scheduler, except the LISTEN reconnect backoff and the stop bound, which are I/O waits on
/// the <see cref="TimeProvider"/>.
/// </summary>
internal sealed record DirectoryTiming
{
    /// <summary>Offer changes within this window are written once, with the latest offer; also the dispatcher poll period.</summary>
    public TimeSpan OfferCoalescing { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Notifications within this window cause one directory read.</summary>
    public TimeSpan ReadCoalescing { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often the own row's heartbeat is written (<c>heartbeat = now()</c>).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the whole directory is re-read, notifications or not.</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A failed directory read is tried again after this long (or at the next trigger, if sooner).</summary>
    public TimeSpan ReadRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A peer whose heartbeat is this old by database time is dead.</summary>
    public TimeSpan PeerExpiry { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A row this old by database time is deleted by any replica's heartbeat (a crashed replica's leftover).</summary>
    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>First delay before re-opening a broken LISTEN connection; doubles up to <see cref="ListenReconnectMaxDelay"/>.</summary>
    public TimeSpan ListenReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest delay between LISTEN reconnects.</summary>
    public TimeSpan ListenReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Idle time after which the LISTEN connection is pinged, so a dead one is noticed.</summary>
    public TimeSpan ListenPingInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a peer that could not be reached gets no forwards (unless it restarts first): about one heartbeat
    /// and one directory read, so a peer that is really gone has left the view by then.
    /// </summary>
    public TimeSpan SuspectFor { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a peer that refused a forward for lack of capacity gets no forwards, unless its offer changes or one
    /// of this replica's forwards to it ends first (a slot freed and filled within one offer write changes nothing).
    /// </summary>
    public TimeSpan FullFor { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest the row deletion may hold up a graceful stop.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
