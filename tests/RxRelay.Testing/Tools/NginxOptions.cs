namespace RxRelay.Testing.Tools;

/// <summary>What a throwaway <see cref="NginxServer"/> balances and how patiently.</summary>
public sealed record NginxOptions
{
    /// <summary>The API ports of the servers behind it, all on 127.0.0.1 (one <c>upstream</c>, round robin).</summary>
    public required IReadOnlyList<int> UpstreamPorts { get; init; }

    /// <summary>
    /// <c>proxy_connect_timeout</c>: a server that does not accept within this is skipped for the next one
    /// (a refused connection is skipped at once). Default 1 s.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>proxy_read_timeout</c> / <c>proxy_send_timeout</c> of the API routes: the longest silence between two
    /// reads of an answer (for a non-streaming answer, until its headers), so also the longest a client can
    /// wait on a server that accepted the connection but stopped (SIGSTOP). Default 60 s.
    /// </summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <c>max_fails</c> per server within <see cref="FailTimeout"/> before nginx stops choosing it for that
    /// long; 0 never marks a server down (every request tries it first, in turn). Default 1, nginx's own.
    /// </summary>
    public int MaxFails { get; init; } = 1;

    /// <summary><c>fail_timeout</c>: the window of <see cref="MaxFails"/> and how long a failed server is skipped. Default 2 s.</summary>
    public TimeSpan FailTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <c>worker_connections</c> of its one worker process; each proxied WebSocket holds two (client and
    /// upstream). Default 8192: room for 2,000+ worker sockets.
    /// </summary>
    public int WorkerConnections { get; init; } = 8192;
}
