namespace RxRelay.EndToEndTests.Cluster;

/// <summary>How a <see cref="ClusterRig"/> is set up; the defaults are what most scenarios need.</summary>
internal sealed record ClusterRigOptions
{
    /// <summary>The replicas' ids, one process each.</summary>
    public IReadOnlyList<string> ReplicaIds { get; init; } = ["replica-a", "replica-b", "replica-c"];

    /// <summary>
    /// Every replica's command line apart from ports and the cluster flags (heartbeats of
    /// <see cref="Bounds"/>, the admin token of <see cref="ClusterRig.AdminToken"/>).
    /// </summary>
    public ProxySettings Proxy { get; init; } = new() { AdminToken = ClusterRig.AdminToken };

    /// <summary>nginx's timeouts (its upstream ports are the replicas').</summary>
    public TimeSpan NginxReadTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
