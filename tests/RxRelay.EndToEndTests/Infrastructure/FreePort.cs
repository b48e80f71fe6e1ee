using System.Net;
using System.Net.Sockets;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>A loopback port nobody listens on right now (bind 0, read, release), for programs that take a fixed port.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
