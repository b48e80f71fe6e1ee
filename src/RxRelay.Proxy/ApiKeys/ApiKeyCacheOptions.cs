namespace RxRelay.Proxy.ApiKeys;

/// <summary>
/// The rules of the database key store's cache (docs/protocol.md#http-api-keys-database); each default is stated here once.
/// Tests shorten them; operators have no flag for them.
/// </summary>
internal sealed record ApiKeyCacheOptions
{
    /// <summary>How long a key found live is trusted without asking the database again.</summary>
    public TimeSpan ValidFor { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a secret found unknown or revoked is refused without asking again.</summary>
    public TimeSpan InvalidFor { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most live keys and most refused secrets remembered (each).</summary>
    public int Capacity { get; init; } = 10_000;

    /// <summary>
    /// How often every cached key is checked against the table (heals a lost LISTEN connection: a
    /// revocation is seen within this period even when its notification never arrives) and
    /// <c>last_used_at</c> is written.
    /// </summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>While the database is unreachable, how often one lookup may try it; the rest fail at once.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Silence on the LISTEN connection after which it is pinged.</summary>
    public TimeSpan ListenPingInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>First delay before reconnecting the LISTEN connection; doubles up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest delay between LISTEN reconnects.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(5);
}
