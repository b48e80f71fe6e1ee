using System.Runtime.InteropServices;
using RxRelay.EndToEndTests.Infrastructure;

namespace RxRelay.EndToEndTests.RealBackend;

/// <summary>
/// Where the real llama.cpp server kit is (a folder with <c>start-llama-server.sh</c>, its <c>debs/</c> and
/// <c>make_tiny_gguf.py</c>): <see cref="EnvironmentVariable"/> when set, else <c>../shared/real-backend</c>
/// beside the repository. The project builds without it; without it the suite skips, saying why.
/// </summary>
internal static class LlamaServerLocation
{
    /// <summary>Names the kit's folder; when set, a wrong folder fails the tests instead of skipping them.</summary>
    public const string EnvironmentVariable = "RXRELAY_LLAMA_SERVER_DIR";

    public const string StartScript = "start-llama-server.sh";

    private static readonly (string? Folder, string? SkipReason) Found = (Find(out var reason), reason);

    /// <summary>The kit's folder, or null when the suite cannot run here.</summary>
    public static string? Folder => Found.Folder;

    /// <summary>Why the suite skips; null when it runs (or when the configured folder is wrong: then it fails).</summary>
    public static string? SkipReason => Found.SkipReason;

    private static string? Find(out string? skipReason)
    {
        skipReason = null;
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            skipReason = $"the real llama.cpp suite needs Linux x64 (the kit is Debian's amd64 build); this is {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}";
            return null;
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            // Configured: never skip. A wrong path fails every test with the fixture's message.
            return Path.GetFullPath(configured);
        }

        var beside = ProgramPaths.RepositoryRoot is { } root ? Path.Combine(root.FullName, "..", "shared", "real-backend") : null;
        if (beside is not null && File.Exists(Path.Combine(beside, StartScript)))
        {
            return Path.GetFullPath(beside);
        }

        skipReason = $"no llama.cpp server kit: set {EnvironmentVariable} to the folder holding {StartScript} " +
            $"(the shared real-backend folder), or place it at {(beside is null ? "../shared/real-backend beside the repository" : Path.GetFullPath(beside))}";
        return null;
    }
}
