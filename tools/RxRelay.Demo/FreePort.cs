using System.Net;
using System.Net.Sockets;

namespace RxRelay.Demo;

/// <summary>A loopback port nobody listens on right now: bind port 0, read what the OS chose, release it.</summary>
internal static class FreePort
{
    // The port is free again between Stop and the child's bind; on loopback another taker is unlikely,
    // and a child that loses the race fails loudly at start-up (the demo then reports it).
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
