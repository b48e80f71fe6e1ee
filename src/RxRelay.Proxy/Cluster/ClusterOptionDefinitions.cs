using RxRelay.Proxy.Configuration;

namespace RxRelay.Proxy.Cluster;

/// <summary>The cluster flags and environment variables (issue 14), appended to <see cref="ProxyOptionDefinitions.All"/>.</summary>
internal static class ClusterOptionDefinitions
{
    /// <summary>The definitions, in help order.</summary>
    public static IReadOnlyList<OptionDefinition> All { get; } =
    [
        Define("--peer-listen", "RXRELAY_PEER_LISTEN", "Private address peers reach this replica on; turns on cluster mode (needs --database-url) [default: none]",
            OptionValues.ListenAddress, static (c, v) => c with { PeerListen = v }),
        Define("--peer-url", "RXRELAY_PEER_URL", "http(s) URL peers use to reach --peer-listen; required with it",
            PeerUrl, static (c, v) => c with { PeerUrl = v }),
        Define("--peer-secret", "RXRELAY_PEER_SECRET", $"Secret shared by all replicas, at least {ClusterOptions.MinPeerSecretLength} characters; required with --peer-listen",
            PeerSecret, static (c, v) => c with { PeerSecret = v }),
        Define("--replica-id", "RXRELAY_REPLICA_ID", "This replica's name in the directory [default: the host name]",
            ReplicaId, static (c, v) => c with { ReplicaId = v }),
        new("--served-by-header", "RXRELAY_SERVED_BY_HEADER", "Add x-rxrelay-served-by (the replica whose worker ran it) to answers: on or off [default: off]",
            static (o, raw) => OptionValues.OnOff(raw) is ({ } on, _) ? (o with { Cluster = o.Cluster with { ServedByHeader = on } }, null) : (null, OptionValues.OnOff(raw).Error)),
    ];

    /// <summary>An absolute <c>http</c> or <c>https</c> URL with a host and no query or fragment.</summary>
    public static (string? Value, string? Error) PeerUrl(string raw) =>
        Uri.TryCreate(raw, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0 && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? (raw, null)
            : (null, $"'{raw}' is not an http(s) URL like http://10.0.0.5:7070");

    /// <summary>At least <see cref="ClusterOptions.MinPeerSecretLength"/> characters; the error never echoes the secret.</summary>
    public static (string? Value, string? Error) PeerSecret(string raw) =>
        raw.Length >= ClusterOptions.MinPeerSecretLength
            ? (raw, null)
            : (null, $"must be at least {ClusterOptions.MinPeerSecretLength} characters (got {raw.Length})");

    /// <summary>1..<see cref="ClusterOptions.MaxReplicaIdLength"/> of letters, digits, <c>.</c>, <c>-</c>, <c>_</c>, <c>:</c>.</summary>
    public static (string? Value, string? Error) ReplicaId(string raw) =>
        raw.Length is > 0 and <= ClusterOptions.MaxReplicaIdLength && raw.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':')
            ? (raw, null)
            : (null, $"'{raw}' is not 1 to {ClusterOptions.MaxReplicaIdLength} letters, digits, '.', '-', '_' or ':'");

    private static OptionDefinition Define(
        string flag, string env, string help, Func<string, (string? Value, string? Error)> parse, Func<ClusterOptions, string, ClusterOptions> set) =>
        new(flag, env, help, (o, raw) =>
        {
            var (value, error) = parse(raw);
            return value is null ? (null, error) : (o with { Cluster = set(o.Cluster, value) }, null);
        });
}
