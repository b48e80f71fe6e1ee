using System.Net.Sockets;
using Npgsql;

namespace RxRelay.Proxy.Database;

/// <summary>
/// The proxy's PostgreSQL database (<c>--database-url</c>): a pooled data source for queries, unpooled
/// connections for LISTEN, start-up migrations under an advisory lock (several proxies may start at
/// once), and error texts that name the server but never the password.
/// </summary>
internal sealed class RelayDatabase : IAsyncDisposable
{
    /// <summary>Advisory lock key held while migrating ("rxrelay" in ASCII).</summary>
    public const long MigrationLockKey = 0x72_78_72_65_6c_61_79;

    private readonly string _listenConnectionString;
    private readonly string? _password;

    /// <summary>Creates the data source for a connection string from <see cref="DatabaseUrl.Parse"/>; nothing is opened yet.</summary>
    public RelayDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _password = string.IsNullOrEmpty(builder.Password) ? null : builder.Password;
        Description = DatabaseUrl.Describe(connectionString);
        DataSource = NpgsqlDataSource.Create(connectionString);
        builder.Pooling = false; // a LISTEN connection that broke is never handed to anyone else
        _listenConnectionString = builder.ConnectionString;
    }

    /// <summary>Pooled connections for queries.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary><c>host:port/database</c>, for logs.</summary>
    public string Description { get; }

    /// <summary>
    /// Called when an outage starts. Idle pooled connections to a server that went away are dead: they are
    /// dropped (busy ones are closed when returned), so the first calls after its return open new connections
    /// instead of failing once more, each on an old one.
    /// </summary>
    public void DropPooledConnections() => DataSource.Clear();

    /// <summary>Opens a dedicated, unpooled connection for LISTEN.</summary>
    public async Task<NpgsqlConnection> OpenListenerAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_listenConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Keeps <c>LISTEN <paramref name="channel"/></c> open on its own unpooled connection until
    /// <paramref name="stopping"/>: pings it after <c>timing.PingInterval</c> of silence, and when it breaks
    /// reports the error (<paramref name="lost"/>) and opens it again after a delay doubling from
    /// <c>timing.MinDelay</c> to <c>timing.MaxDelay</c> (reset by each successful LISTEN). <paramref name="connected"/> runs after every
    /// LISTEN: notifications sent while nobody listened are gone, so that is where a caller re-reads.
    /// </summary>
    public async Task ListenAsync(
        string channel,
        Action<string> notified,
        Func<CancellationToken, Task> connected,
        Action<Exception> lost,
        (TimeSpan PingInterval, TimeSpan MinDelay, TimeSpan MaxDelay) timing,
        TimeProvider time,
        CancellationToken stopping)
    {
        var delay = timing.MinDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await OpenListenerAsync(stopping);
                connection.Notification += (_, e) => notified(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                delay = timing.MinDelay;
                await connected(stopping);
                while (true)
                {
                    if (!await connection.WaitAsync(timing.PingInterval, stopping))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteNonQueryAsync(stopping);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
            {
                lost(ex);
            }

            try
            {
                await Task.Delay(delay, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, timing.MaxDelay.Ticks));
        }
    }

    /// <summary>
    /// Runs <paramref name="migrate"/> in one transaction holding <see cref="MigrationLockKey"/>. Any failure
    /// becomes a <see cref="DatabaseStartupException"/> whose message names the server and the cause.
    /// </summary>
    public async Task<string> MigrateAsync(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<string>> migrate, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
            {
                command.Parameters.AddWithValue("key", MigrationLockKey);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            var detail = await migrate(connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return detail;
        }
        catch (DatabaseStartupException)
        {
            throw;
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex) || ex is ArgumentException)
        {
            throw new DatabaseStartupException($"cannot use the database at {Description}: {Cause(ex)}", ex);
        }
    }

    /// <summary>Whether <paramref name="table"/> exists (on the search path), inside a migration's transaction.</summary>
    public static async Task<bool> TableExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection, transaction);
        exists.Parameters.AddWithValue("table", table);
        return (bool)(await exists.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Runs migration DDL (one or more statements) inside a migration's transaction.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One line saying why a call failed, with the password (should a message ever echo it) masked.</summary>
    public string Cause(Exception error)
    {
        var text = error switch
        {
            PostgresException pg => $"{pg.MessageText} (SQLSTATE {pg.SqlState})",
            NpgsqlException { InnerException: SocketException socket } => socket.Message,
            NpgsqlException { InnerException: TimeoutException } => "timed out",
            NpgsqlException { InnerException: IOException io } => $"{error.Message} ({io.Message})",
            _ => error.Message,
        };
        text = text.ReplaceLineEndings(" ");
        return _password is null ? text : text.Replace(_password, "***", StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
