using Yarp.ReverseProxy.Configuration;

namespace RxRelay.Bench.Targets;

/// <summary>
/// The one-hop YARP baseline: every path forwarded to one destination, YARP's defaults otherwise
/// (its own <c>SocketsHttpHandler</c>, no decompression, response bodies flushed as they arrive so SSE
/// streams through). It runs in its own process (<c>rxrelay-bench yarp-host …</c>, started by
/// <see cref="YarpProcess"/>) for the same reason the RxRelay proxy does: a hop with its own thread
/// pool and GC, not sharing them with the load generator. That keeps the comparison like for like.
/// </summary>
internal static class YarpProxyHost
{
    public const string Mode = "yarp-host";
    public const string ReadyLine = "yarp listening on ";

    /// <summary>Runs until killed. Arguments: <c>--listen PORT --destination URL</c>.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var port = int.Parse(Arg(args, "--listen"), System.Globalization.CultureInfo.InvariantCulture);
        var destination = Arg(args, "--destination");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(System.Net.IPAddress.Loopback, port);
        });
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "echo", Match = new RouteMatch { Path = "{**catch-all}" } }],
            [new ClusterConfig
            {
                ClusterId = "echo",
                Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal) { ["echo"] = new() { Address = destination } },
            }]);

        await using var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync().ConfigureAwait(false);
        Console.WriteLine(ReadyLine + app.Urls.First());
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    private static string Arg(IReadOnlyList<string> args, string flag)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == flag)
            {
                return args[i + 1];
            }
        }

        throw new ArgumentException($"{Mode}: missing {flag}");
    }
}
