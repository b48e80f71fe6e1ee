using System.Net;
using System.Net.Sockets;

namespace RxRelay.Testing.Network;

/// <summary>
/// A loopback port nobody listens on right now, for programs that must be told their port up front and for
/// "connection refused" targets. Taken below the kernel's ephemeral range where there is one (Linux), so the
/// source port of an outgoing connection (a thousand workers dialing through nginx use thousands) can never
/// take it between the check and the child's bind; elsewhere the kernel's own choice for port 0.
/// </summary>
/// <remarks>
/// The port is still free only until the child binds it: another test picking at the same moment could take it,
/// which the random starting point makes unlikely, and a child that loses the race fails loudly at start-up.
/// </remarks>
public static class FreePort
{
    /// <summary>Lowest port handed out: above the well-known and most registered server ports.</summary>
    private const int Lowest = 20000;

    private static readonly Lock Gate = new();
    private static int s_next = Lowest + Random.Shared.Next(1000);

    /// <summary>A loopback port that is free at the time of the call.</summary>
    public static int Next()
    {
        if (EphemeralLow() is { } low && low > Lowest + 1)
        {
            lock (Gate)
            {
                for (var tries = 0; tries < low - Lowest; tries++)
                {
                    var port = s_next;
                    s_next = s_next + 1 >= low ? Lowest : s_next + 1;
                    if (IsFree(port))
                    {
                        return port;
                    }
                }
            }
        }

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    private static bool IsFree(int port)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of the kernel's ephemeral range, or null where it cannot be read.</summary>
    private static int? EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], out var low) ? low : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
