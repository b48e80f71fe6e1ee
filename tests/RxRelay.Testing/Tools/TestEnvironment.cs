namespace RxRelay.Testing.Tools;

/// <summary>Facts about where the tests run.</summary>
public static class TestEnvironment
{
    /// <summary>
    /// True under <c>CI=true</c> (set by <c>.ci/run</c>): tests that need an outside program (PostgreSQL,
    /// promtool) then fail when it is missing instead of skipping.
    /// </summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
