namespace RxRelay.Bench.Targets;

/// <summary>Where <c>dotnet cake --target=Publish</c> put the three programs.</summary>
internal sealed record PublishedPrograms(string Directory)
{
    public string Proxy => Dll("rxrelay-proxy");

    public string Worker => Dll("rxrelay-worker");

    public string EchoBackend => Dll("rxrelay-echo-backend");

    /// <summary><paramref name="explicitDirectory"/>, or <c>artifacts/publish</c> of the repository the harness runs in.</summary>
    public static PublishedPrograms Locate(string? explicitDirectory) =>
        new(Path.GetFullPath(explicitDirectory ?? Path.Combine(RepositoryRoot.Find(), "artifacts", "publish")));

    private string Dll(string name) => Path.Combine(Directory, name, name + ".dll");
}

/// <summary>The repository root: the nearest directory above the working directory (or the harness) holding <c>RxRelay.sln</c>.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "RxRelay.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("cannot find the repository root (a directory holding RxRelay.sln); pass --publish-dir and --out");
    }
}
