namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// The programs under test, from each project's own build output (the test project references them,
/// so they are built first, in the same configuration). Not the copies beside the tests: those carry
/// the test's dependency set, and the worker's Generic Host assemblies are not in it.
/// </summary>
internal static class ProgramPaths
{
    public static string Proxy => Find("RxRelay.Proxy", "rxrelay-proxy");

    public static string Worker => Find("RxRelay.Worker", "rxrelay-worker");

    public static string EchoBackend => Find("RxRelay.EchoBackend", "rxrelay-echo-backend");

    /// <summary>
    /// How every program is started: the upstream env names configure the programs too, so a developer's
    /// shell must not leak into a test.
    /// </summary>
    public static ChildProcessOptions Isolated { get; } = new()
    {
        Environment = new[] { "PROXY_URL", "WORKER_SECRET", "BACKEND_URL", "MODELS", "LISTEN_ADDR", "PROVIDER_NAME", "MODELRELAY_ADMIN_TOKEN", "MODELRELAY_REQUIRE_API_KEYS", "DATABASE_URL" }
            .ToDictionary(name => name, string? (_) => null),
    };

    /// <summary>The folder holding <c>RxRelay.sln</c> above the test's output; null when the tests run elsewhere.</summary>
    public static DirectoryInfo? RepositoryRoot { get; } = FindRoot();

    private static DirectoryInfo? FindRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "RxRelay.sln")))
        {
            root = root.Parent;
        }

        return root;
    }

    private static string Find(string project, string program)
    {
        // <repo>/tests/RxRelay.EndToEndTests/bin/<Configuration>/<tfm>/
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var root = RepositoryRoot;
        var dll = root is null ? program + ".dll" : Path.Combine(root.FullName, "src", project, "bin", configuration, framework, program + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{program}.dll not found; build the test project (it builds {project})", dll);
        }

        return dll;
    }
}
