using RxRelay.Testing.Processes;

namespace RxRelay.IntegrationTests.WorkerProcess;

/// <summary>
/// The real <c>rxrelay-worker</c> (and <c>rxrelay-proxy</c>) process, from the worker project's own build output (the same
/// configuration as this test), with every variable that configures it removed from its environment.
/// </summary>
internal static class WorkerProgram
{
    private static readonly string[] ConfiguringVariables =
        ["PROXY_URL", "PROVIDER_NAME", "WORKER_SECRET", "WORKER_NAME", "MODELS", "MAX_CONCURRENCY", "BACKEND_URL",
         "LOG_LEVEL", "LOG_FORMAT", "IDLE_TIMEOUT_SECS", "SHUTDOWN_TIMEOUT_SECS", "EXTRA_ENDPOINT_PATHS", "RXRELAY_METRICS_LISTEN"];

    public static ChildProcess Start(string proxyUrl, string backendUrl, params string[] extraArguments)
        => ChildProcess.Start(
            "worker",
            Dll("RxRelay.Worker", "rxrelay-worker"),
            ["--proxy-url", proxyUrl, "--backend-url", backendUrl, "--worker-secret", "relay-secret", "--models", "echo-model", .. extraArguments],
            new ChildProcessOptions { Environment = ConfiguringVariables.ToDictionary(name => name, string? (_) => null) });

    /// <summary>The proxy process on <paramref name="listen"/>, its configuring variables removed likewise.</summary>
    public static ChildProcess StartProxy(string listen, params string[] extraArguments)
        => ChildProcess.Start(
            "proxy",
            Dll("RxRelay.Proxy", "rxrelay-proxy"),
            ["--listen", listen, "--worker-secret", "relay-secret", .. extraArguments],
            new ChildProcessOptions { Environment = new[] { "LISTEN_ADDR", "PROVIDER_NAME", "WORKER_SECRET", "LOG_LEVEL", "LOG_FORMAT", "MODELRELAY_ADMIN_TOKEN", "MODELRELAY_REQUIRE_API_KEYS" }.ToDictionary(name => name, string? (_) => null) });

    // <repo>/tests/RxRelay.IntegrationTests/bin/<Configuration>/<tfm>/ → <repo>/src/<project>/bin/<Configuration>/<tfm>/
    private static string Dll(string project, string program)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "RxRelay.sln")))
        {
            root = root.Parent;
        }

        return root is null
            ? Path.Combine(output.FullName, program + ".dll")
            : Path.Combine(root.FullName, "src", project, "bin", output.Parent!.Name, output.Name, program + ".dll");
    }
}
