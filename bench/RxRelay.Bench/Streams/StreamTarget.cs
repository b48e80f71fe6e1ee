using System.Net;

namespace RxRelay.Bench.Streams;

/// <summary>One path the streams cell loads: where to connect, and the processes in it (none for direct).</summary>
internal sealed record StreamTarget(string Name, Uri BaseAddress, string Model, IReadOnlyList<ChildProcess> Monitored)
{
    public IPEndPoint Endpoint => new(IPAddress.Parse(BaseAddress.Host), BaseAddress.Port);

    /// <summary>
    /// Open files the busiest process of this path needs for <paramref name="streams"/> streams, plus headroom for the
    /// runtime: YARP holds two sockets per stream (client and backend), every other process at most one.
    /// </summary>
    public long FilesNeeded(int streams) => ((Name == "yarp" ? 2L : 1L) * streams) + 256;
}
