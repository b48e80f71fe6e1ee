using System.Text.RegularExpressions;
using RxRelay.Bench.Cores;

namespace RxRelay.Bench.Targets;

/// <summary>
/// The published echo backend as a child process, on a port it picks itself (<c>--listen 127.0.0.1:0</c>)
/// and reports in its start-up line. A separate process rather than in-process: the load generator's
/// thread pool and GC must not be shared with a server under test, and all three paths then hit the
/// very same backend process.
/// </summary>
internal static partial class EchoBackendProcess
{
    public static Task<(ChildProcess Process, Uri BaseAddress)> StartAsync(PublishedPrograms programs, CancellationToken cancellationToken) =>
        StartAsync(programs, null, cancellationToken);

    /// <summary>Starts the backend on the backend cores of <paramref name="pinning"/>'s plan, or unpinned when it is null.</summary>
    public static async Task<(ChildProcess Process, Uri BaseAddress)> StartAsync(PublishedPrograms programs, CorePinning? pinning, CancellationToken cancellationToken)
    {
        var child = CorePinning.Start(pinning, plan => plan.Backend,
            () => BenchChildren.Start("rxrelay-echo-backend", programs.EchoBackend, ["--listen", "127.0.0.1:0", "--models", "echo"]));
        try
        {
            var line = await child.WaitForLineAsync(l => ListeningLine().IsMatch(l), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            return (child, new Uri(ListeningLine().Match(line).Groups["url"].Value));
        }
        catch
        {
            await child.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    [GeneratedRegex(@"echo backend listening on (?<url>http://[0-9.]+:[0-9]+)")]
    private static partial Regex ListeningLine();
}
