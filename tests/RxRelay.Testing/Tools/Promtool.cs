using System.Diagnostics;
using Xunit;

namespace RxRelay.Testing.Tools;

/// <summary>
/// <c>promtool check metrics</c> (Debian package <c>prometheus</c>, installed by <c>.ci/run</c>). Without it
/// the tests that need it are skipped on a developer's machine, saying why; under <c>CI=true</c> they run
/// and fail, so CI cannot lose the check.
/// </summary>
public static class Promtool
{
    /// <summary>The executable, or null when it is not on PATH.</summary>
    public static string? Path { get; } = Find();

    /// <summary>Runs <c>promtool check metrics</c> on <paramref name="exposition"/>; returns its exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var path = Path ?? throw new InvalidOperationException("promtool is not installed (Debian package 'prometheus'); CI=true requires it");
        using var process = Process.Start(new ProcessStartInfo(path, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
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

/// <summary>A test that needs promtool: skipped only when it is missing outside CI.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PromtoolFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when promtool is missing and this is not CI.</summary>
    public PromtoolFactAttribute()
    {
        if (Promtool.Path is null && !TestEnvironment.IsCi)
        {
            Skip = "promtool not found on PATH: install the Debian package 'prometheus' (.ci/run does)";
        }
    }
}
