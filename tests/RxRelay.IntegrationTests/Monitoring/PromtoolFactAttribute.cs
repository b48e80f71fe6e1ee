namespace RxRelay.IntegrationTests.Monitoring;

/// <summary>
/// A test that needs <c>promtool</c> (Debian package <c>prometheus</c>, installed by <c>.ci/run</c>). Without it
/// the test skips, saying why, except under <c>CI=true</c>, where a missing tool must fail the run rather
/// than pass it silently (as the llama.cpp kit does when it is configured).
/// </summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Promtool.Path is null && !Promtool.Required)
        {
            Skip = "promtool not found on PATH: install the Debian package 'prometheus' (.ci/run does)";
        }
    }
}

/// <summary>Finds and runs <c>promtool</c>.</summary>
internal static class Promtool
{
    /// <summary>The executable, or null when it is not on PATH.</summary>
    public static string? Path { get; } = Find();

    /// <summary>True under CI, where the test must run.</summary>
    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs <c>promtool check metrics</c> on <paramref name="exposition"/>; returns its exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var path = Path ?? throw new InvalidOperationException("promtool is not installed (Debian package 'prometheus'); CI=true requires it");
        var start = new System.Diagnostics.ProcessStartInfo(path, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(bound.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, "promtool"))
            .FirstOrDefault(File.Exists);
}
