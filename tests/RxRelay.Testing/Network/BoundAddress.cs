using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace RxRelay.Testing.Network;

/// <summary>Where a started Kestrel host listens: asked for port 0, it reports the port it really bound.</summary>
public static class BoundAddress
{
    /// <summary>The one address <paramref name="host"/> listens on, such as <c>http://127.0.0.1:40123</c>.</summary>
    public static string Of(IHost host) =>
        host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
}
