using RxRelay.Testing.Databases;

namespace RxRelay.IntegrationTests.ApiKeysOnPostgres;

/// <summary>One throwaway PostgreSQL server for the key store tests; each test makes its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<SharedPostgres>
{
    public const string Name = "postgres";
}

/// <summary>Starts the collection's server (unless the tests are skipped here) and stops it after the last test.</summary>
public sealed class SharedPostgres : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException(PostgresInstallation.SkipReason ?? "PostgreSQL was not started");

    public async Task InitializeAsync()
    {
        if (PostgresInstallation.SkipReason is null)
        {
            _server = await PostgresServer.StartNewAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
