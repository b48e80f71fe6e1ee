using System.Net;
using System.Net.Sockets;

namespace RxRelay.IntegrationTests.WorkerRelay;

internal static class LoopbackPort
{
    /// <summary>A loopback port nothing listens on (bound, then released): connections to it are refused.</summary>
    public static int Refusing()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
