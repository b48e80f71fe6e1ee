using RxRelay.Testing.Databases;
using RxRelay.Testing.Tools;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// One throwaway PostgreSQL server per test class (initdb costs seconds); each test gets a fresh database in
/// it (<see cref="CreateAsync"/>), so no directory row or key outlives its test. Not started where the
/// scenarios are skipped (<see cref="ClusterFactAttribute"/>).
/// </summary>
public sealed class ClusterDatabase : IAsyncLifetime
{
    private PostgresServer? _server;

    /// <summary>The running server.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException(PostgresInstallation.SkipReason ?? "PostgreSQL did not start");

    /// <summary>A new empty database; returns its name.</summary>
    public Task<string> CreateAsync() => Server.CreateDatabaseAsync("cluster");

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        // Not where the scenarios are skipped (no PostgreSQL, or no nginx outside CI): initdb costs seconds.
        if (PostgresInstallation.BinDirectory is not null && NginxInstallation.SkipReason is null)
        {
            _server = await PostgresServer.StartNewAsync();
        }
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
