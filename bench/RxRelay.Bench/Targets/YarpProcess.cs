using System.Reflection;
using RxRelay.Bench.Cores;

namespace RxRelay.Bench.Targets;

/// <summary>Starts this very program in <see cref="YarpProxyHost.Mode"/> as a child process.</summary>
internal static class YarpProcess
{
    public static Task<(ChildProcess Process, Uri BaseAddress)> StartAsync(Uri backend, CancellationToken cancellationToken) =>
        StartAsync(backend, null, cancellationToken);

    /// <summary>Starts the YARP host on the system-under-test cores of <paramref name="pinning"/>'s plan, or unpinned when it is null.</summary>
    public static async Task<(ChildProcess Process, Uri BaseAddress)> StartAsync(Uri backend, CorePinning? pinning, CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var self = Assembly.GetEntryAssembly()?.Location
            ?? throw new InvalidOperationException("cannot locate rxrelay-bench.dll to start the YARP host");
        var child = CorePinning.Start(pinning, plan => plan.Sut, () => BenchChildren.Start(
            "yarp", self, [YarpProxyHost.Mode, "--listen", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--destination", backend.ToString()]));
        try
        {
            await child.WaitForLineAsync(l => l.StartsWith(YarpProxyHost.ReadyLine, StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            return (child, new Uri($"http://127.0.0.1:{port}/"));
        }
        catch
        {
            await child.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
