using RxRelay.Testing.Databases;
using RxRelay.Testing.Tools;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// A cluster scenario: it needs PostgreSQL (the replica directory) and nginx (the load balancer). Skipped,
/// saying which is missing, on a machine without them; never under <c>CI=true</c>, where a missing one fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ClusterFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from the PostgreSQL and nginx skip reasons.</summary>
    public ClusterFactAttribute()
    {
        var reasons = new[] { PostgresInstallation.SkipReason, NginxInstallation.SkipReason }.OfType<string>().ToArray();
        if (reasons.Length > 0)
        {
            Skip = string.Join("; ", reasons);
        }
    }
}

/// <summary>
/// The cluster scenarios form one collection: each starts three proxies, nginx and PostgreSQL and asserts
/// timings, so none may run beside another.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterScenarios
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Cluster";
}
