using System.Net;
using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Tests.Hardening;

public sealed class ClientIdentityTests
{
    private static string Identity(string remote, string? xff, params string[] trusted)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (xff is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = xff;
        }

        context.Request.Headers["Forwarded"] = "for=192.0.2.1";
        return ClientIdentity.From(context, trusted.Select(IPNetwork.Parse).ToArray());
    }

    [Theory]
    [InlineData("203.0.113.5", null, "203.0.113.5")]
    [InlineData("203.0.113.5", "198.51.100.1", "203.0.113.5")] // untrusted peer: headers ignored
    [InlineData("::ffff:203.0.113.5", null, "203.0.113.5")] // IPv4-mapped is the IPv4 address
    [InlineData("2001:db8:1:2:3:4:5:6", null, "2001:db8:1:2::/64")] // IPv6 keyed by /64
    public void From_NoTrustedProxies_IsTheRemoteAddress(string remote, string? xff, string expected) =>
        Assert.Equal(expected, Identity(remote, xff));

    [Theory]
    [InlineData("10.0.0.2", "198.51.100.1", "198.51.100.1")]
    [InlineData("10.0.0.2", "198.51.100.1, 10.0.0.9", "198.51.100.1")] // trusted hops skipped from the right
    [InlineData("10.0.0.2", "198.51.100.1, 203.0.113.7", "203.0.113.7")] // a client cannot prepend its way out
    [InlineData("10.0.0.2", "not-an-ip", "10.0.0.2")]
    [InlineData("10.0.0.2", null, "10.0.0.2")]
    public void From_TrustedProxy_FirstUntrustedHopFromTheRight(string remote, string? xff, string expected) =>
        Assert.Equal(expected, Identity(remote, xff, "10.0.0.0/8"));

    [Fact]
    public void From_NoRemoteAddress_IsTheSharedUnknownKey() =>
        Assert.Equal(ClientIdentity.Unknown, ClientIdentity.From(new DefaultHttpContext(), []));
}
