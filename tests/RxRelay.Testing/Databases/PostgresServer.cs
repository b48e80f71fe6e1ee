using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using RxRelay.Testing.Network;

namespace RxRelay.Testing.Databases;

/// <summary>
/// A throwaway PostgreSQL cluster for tests: <c>initdb</c> into a temp folder, <c>pg_ctl start</c> on a free
/// loopback port with <c>fsync=off</c>, run as the <c>postgres</c> user when the tests run as root
/// (PostgreSQL refuses root). Password authentication over TCP (scram-sha-256) with a random password,
/// so tests can check that it never leaks. <see cref="StopAsync"/> and <see cref="StartAsync()"/> simulate an
/// outage on the same port; disposal stops the server (immediate mode) and deletes the folder, and a
/// process-exit hook does the same for a test host that never disposed it.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The superuser the tests connect as.</summary>
    public const string User = "postgres";

    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(60);

    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private readonly EventHandler _onExit;
    private int _databases;

    private PostgresServer(string bin, string root, int port, string password, bool asPostgresUser)
    {
        _bin = bin;
        _root = root;
        Port = port;
        Password = password;
        _asPostgresUser = asPostgresUser;
        _onExit = (_, _) => StopNow();
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The superuser's password (random per server).</summary>
    public string Password { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "server.log");

    /// <summary>initdb + pg_ctl start; throws with initdb's or the server log's text when either fails.</summary>
    public static async Task<PostgresServer> StartNewAsync()
    {
        var bin = PostgresInstallation.BinDirectory
            ?? throw new InvalidOperationException(PostgresInstallation.SkipReason ?? "PostgreSQL server programs not found (apt-get install postgresql)");
        var asPostgresUser = Environment.UserName == "root";
        var root = Directory.CreateTempSubdirectory("rxrelay-pg-").FullName;
        var password = "pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var server = new PostgresServer(bin, root, FreePort.Next(), password, asPostgresUser);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "pwfile"), password);
            if (asPostgresUser)
            {
                await RunAsync("chown", ["-R", $"{User}:", root]);
            }

            await server.RunToolAsync("initdb", [
                "-D", server.DataDirectory, "-U", User, "--pwfile", Path.Combine(root, "pwfile"),
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-instructions", "--no-sync"]);
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/>, with the password.</summary>
    public string ConnectionString(string database = "postgres") =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username={User};Password={Password};Database={database}");

    /// <summary>The same as a <c>postgres://</c> URL, as upstream's <c>DATABASE_URL</c>.</summary>
    public string Url(string database = "postgres") =>
        string.Create(CultureInfo.InvariantCulture, $"postgres://{User}:{Password}@127.0.0.1:{Port}/{database}");

    /// <summary>Creates an empty database with a fresh name and returns the name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{Interlocked.Increment(ref _databases)}_{Environment.ProcessId}");
        await ExecuteAsync("postgres", $"CREATE DATABASE \"{name}\"");
        return name;
    }

    /// <summary>Runs SQL on <paramref name="database"/> over a fresh, unpooled connection.</summary>
    public async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query returning one value on <paramref name="database"/>.</summary>
    public async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Starts the server (again) on the same port and folder; returns when it accepts connections.</summary>
    public async Task StartAsync()
    {
        var settings = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
        try
        {
            await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-o", settings, "-w", "-t", "60", "-s", "start"]);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{ex.Message}\nserver log:\n{ReadLog()}", ex);
        }
    }

    /// <summary>Stops the server (fast mode: connections are cut, as in an outage).</summary>
    public Task StopAsync() => RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "-s", "stop"]);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "-s", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Not running; the folder goes anyway.
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the OS cleans /tmp.
        }
    }

    private void StopNow()
    {
        if (!File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            return;
        }

        var (file, arguments) = Command("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-s", "stop"]);
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { UseShellExecute = false });
        process?.WaitForExit(TimeSpan.FromSeconds(10));
    }

    private string ReadLog()
    {
        try
        {
            return File.ReadAllText(LogFile);
        }
        catch (IOException ex)
        {
            return ex.Message;
        }
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var (file, args) = Command(tool, arguments);
        return RunAsync(file, args);
    }

    private (string File, IReadOnlyList<string> Arguments) Command(string tool, IReadOnlyList<string> arguments) =>
        _asPostgresUser ? ("runuser", ["-u", User, "--", Path.Combine(_bin, tool), .. arguments]) : (Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(), // runuser: postgres cannot read the test's folder
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(CommandBound);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} did not finish within {CommandBound.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
