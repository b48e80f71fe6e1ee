using RxRelay.Testing.Tools;
using Xunit;

namespace RxRelay.Testing.Databases;

/// <summary>
/// Where PostgreSQL's server programs are: <c>RXRELAY_PG_BIN</c>, else the newest
/// <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> (Debian's <c>postgresql</c> package), else <c>initdb</c> on the PATH.
/// Tests that need it are skipped with <see cref="SkipReason"/> where it is missing, except under
/// <c>CI=true</c>, where <c>.ci/run</c> installs it and a missing server must fail loudly.
/// </summary>
public static class PostgresInstallation
{
    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The folder holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>; null when none was found.</summary>
    public static string? BinDirectory => Found.Value;

    /// <summary>Why PostgreSQL tests are skipped here; null when they run (found, or under CI).</summary>
    public static string? SkipReason =>
        BinDirectory is not null || TestEnvironment.IsCi
            ? null
            : "PostgreSQL server programs not found (apt-get install postgresql, or set RXRELAY_PG_BIN); .ci/run installs them";

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("RXRELAY_PG_BIN") is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb")) ? configured : null;
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
    }
}

/// <summary>A test that needs a real PostgreSQL server: skipped, with the reason, where none is installed (never under CI).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from <see cref="PostgresInstallation.SkipReason"/>.</summary>
    public PostgresFactAttribute()
    {
        if (PostgresInstallation.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that needs a real PostgreSQL server: skipped, with the reason, where none is installed (never under CI).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from <see cref="PostgresInstallation.SkipReason"/>.</summary>
    public PostgresTheoryAttribute()
    {
        if (PostgresInstallation.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
