using System.Net;
using System.Net.Sockets;

namespace RxRelay.Bench.Targets;

/// <summary>
/// A free loopback port for programs that must be told their port up front (proxy, YARP host): bind
/// port 0, read what the kernel chose, release it. Another process could take it in between; on an
/// otherwise quiet loopback that race is theoretical, and the child then fails to bind loudly.
/// </summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
