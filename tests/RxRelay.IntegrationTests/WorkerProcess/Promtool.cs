using System.Diagnostics;

namespace RxRelay.IntegrationTests.WorkerProcess;

/// <summary>
/// <c>promtool check metrics</c> (Debian package <c>prometheus</c>). Without it the tests that need it
/// are skipped on a developer's machine; under <c>CI=true</c> they run and fail, so CI cannot lose the check.
/// </summary>
internal static class Promtool
{
    public static string? Path { get; } = Find();

    public static bool MustRun => Path is not null || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs the linter on <paramref name="exposition"/>: its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var path = Path ?? throw new InvalidOperationException("promtool is not installed (apt-get install prometheus); CI=true requires it");
        using var process = Process.Start(new ProcessStartInfo(path, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? Find()
        => (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => System.IO.Path.Combine(folder, "promtool"))
            .FirstOrDefault(File.Exists);
}

/// <summary>A fact that needs promtool: skipped only when it is missing outside CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (!Promtool.MustRun)
        {
            Skip = "promtool not installed (apt-get install prometheus); CI=true makes this test fail instead";
        }
    }
}
