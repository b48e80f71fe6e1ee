using System.Net;
using System.Net.Sockets;

namespace RxRelay.Testing.Network;

/// <summary>
/// A loopback port nobody listens on right now: bind port 0, read what the kernel chose, release it.
/// For programs that must be told their port up front, and for "connection refused" targets.
/// </summary>
/// <remarks>
/// The port is free again between the release and the child's bind; on a quiet loopback another taker
/// is unlikely, and a child that loses the race fails loudly at start-up.
/// </remarks>
public static class FreePort
{
    /// <summary>A loopback port that is free at the time of the call.</summary>
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
