using System.Net;
using System.Net.Sockets;
using RxRelay.Testing.Network;

namespace RxRelay.IntegrationTests.TestKit;

/// <summary>The test kit's free ports: bindable, distinct, and (on Linux) never from the range outgoing connections draw on.</summary>
public sealed class FreePortTests
{
    [Fact]
    public void Next_GivesDistinctBindablePortsBelowTheEphemeralRange()
    {
        var ports = Enumerable.Range(0, 50).Select(_ => FreePort.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        var low = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(ports, p => Assert.InRange(p, 20000, low - 1));
        foreach (var port in ports)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
    }

    [Fact]
    public void Next_SkipsAPortSomeoneListensOn()
    {
        var taken = FreePort.Next();
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, taken));
        holder.Listen();

        var ports = Enumerable.Range(0, 200).Select(_ => FreePort.Next());

        Assert.DoesNotContain(taken, ports);
    }
}
