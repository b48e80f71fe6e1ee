namespace RxRelay.Proxy.Cluster;

/// <summary>What became of one forward (<see cref="PeerClient.ForwardAsync"/>).</summary>
internal abstract record PeerOutcome
{
    private PeerOutcome()
    {
    }

    /// <summary>
    /// The peer answered with a marked refusal before running anything visible:
    /// <see cref="PeerRefusal.NoCapacity"/> (no attempt consumed), <see cref="PeerRefusal.WorkerLost"/> (attempt
    /// consumed), or a configuration problem (<see cref="PeerRefusal.Unauthorized"/>, <see cref="PeerRefusal.BadRequest"/>,
    /// <see cref="PeerRefusal.NotFound"/>, <see cref="PeerRefusal.Unknown"/>).
    /// </summary>
    public sealed record Refused(PeerRefusal Reason) : PeerOutcome;

    /// <summary>No answer headers: connection refused, reset or timed out before them; nothing ran that anyone saw.</summary>
    public sealed record Unreachable(Exception Cause) : PeerOutcome;

    /// <summary>
    /// The worker's answer, headers received and the body still flowing (read it with the caller's token;
    /// cancelling that read or disposing the response cancels the request on the peer's worker). The caller
    /// owns and disposes <see cref="Response"/>.
    /// </summary>
    public sealed record Streaming(HttpResponseMessage Response) : PeerOutcome;
}
