using Xunit;

namespace RxRelay.Testing.Tools;

/// <summary>
/// Where nginx is: <c>RXRELAY_NGINX</c>, else <c>/usr/sbin/nginx</c> (Debian's <c>nginx</c> / <c>nginx-light</c>),
/// else <c>nginx</c> on the PATH. Tests that need it are skipped with <see cref="SkipReason"/> where it is
/// missing, except under <c>CI=true</c>, where <c>.ci/run</c> installs it and a missing nginx must fail loudly.
/// </summary>
public static class NginxInstallation
{
    private const string DebianPath = "/usr/sbin/nginx";

    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The executable; null when none was found.</summary>
    public static string? Executable => Found.Value;

    /// <summary>Why nginx tests are skipped here; null when they run (found, or under CI).</summary>
    public static string? SkipReason =>
        Executable is not null || TestEnvironment.IsCi
            ? null
            : "nginx not found (apt-get install nginx-light, or set RXRELAY_NGINX); .ci/run installs it";

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("RXRELAY_NGINX") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        if (File.Exists(DebianPath))
        {
            return DebianPath;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "nginx"))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>A test that needs a real nginx: skipped, with the reason, where none is installed (never under CI).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NginxFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from <see cref="NginxInstallation.SkipReason"/>.</summary>
    public NginxFactAttribute()
    {
        if (NginxInstallation.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
