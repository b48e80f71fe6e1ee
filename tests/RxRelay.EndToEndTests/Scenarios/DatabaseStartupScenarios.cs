using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RxRelay.Testing.Databases;

namespace RxRelay.EndToEndTests.Scenarios;

/// <summary>
/// <c>rxrelay-proxy --database-url</c> as a real process: a database it cannot use stops it with exit 1 and
/// one line naming the server and the cause, never the password; with a real PostgreSQL it serves keys
/// from the table and stops with exit 0.
/// </summary>
public sealed class DatabaseStartupScenarios(ITestOutputHelper output)
{
    private const string Password = "Pa55-never-print-me";

    [Fact]
    public async Task Unreachable_Exit1_OneLineNamingServerAndCause_NoPassword()
    {
        var port = FreePort.Next();
        await using var proxy = StartProxy("--listen", "127.0.0.1:0", "--database-url", $"postgres://relay:{Password}@127.0.0.1:{port}/keys");

        Assert.Equal(1, await proxy.WaitForExitAsync(Bounds.Startup));

        AssertNoPassword(proxy, Password);
        var fatal = Assert.Single(proxy.Lines, l => l.Contains("FTL", StringComparison.Ordinal));
        Assert.EndsWith($"cannot use the database at 127.0.0.1:{port}/keys: Connection refused", fatal, StringComparison.Ordinal);
        Assert.DoesNotContain(proxy.Lines, l => l.Contains("   at ", StringComparison.Ordinal)); // no stack trace
    }

    [Fact]
    public async Task MalformedValue_FromTheEnvironment_Exit1_NoPassword()
    {
        await using var proxy = StartProxy(environment: new() { ["DATABASE_URL"] = $"postgres://relay:{Password}@db:notaport/keys" });

        Assert.Equal(1, await proxy.WaitForExitAsync(Bounds.Startup));

        AssertNoPassword(proxy, Password);
        Assert.Contains(
            proxy.Lines,
            l => l.EndsWith("error: invalid value for --database-url / DATABASE_URL (from DATABASE_URL): the URL's port is not a number from 1 to 65535", StringComparison.Ordinal));
    }

    [PostgresFact]
    public async Task WrongPassword_Exit1_PostgresCauseInOneLine_NoPassword()
    {
        await using var server = await PostgresServer.StartNewAsync();
        await using var proxy = StartProxy("--listen", "127.0.0.1:0", "--database-url", $"postgres://postgres:{Password}@127.0.0.1:{server.Port}/postgres");

        Assert.Equal(1, await proxy.WaitForExitAsync(Bounds.Startup));

        AssertNoPassword(proxy, Password);
        var fatal = Assert.Single(proxy.Lines, l => l.Contains("FTL", StringComparison.Ordinal));
        Assert.EndsWith(
            $"cannot use the database at 127.0.0.1:{server.Port}/postgres: password authentication failed for user \"postgres\" (SQLSTATE 28P01)", fatal, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task RealDatabase_KeysFromTheTable_StopExits0()
    {
        await using var server = await PostgresServer.StartNewAsync();
        var port = FreePort.Next();
        await using var proxy = StartProxy(
            environment: new()
            {
                ["DATABASE_URL"] = server.Url(),
                ["MODELRELAY_ADMIN_TOKEN"] = "admin",
                ["MODELRELAY_REQUIRE_API_KEYS"] = "true",
            },
            "--listen",
            $"127.0.0.1:{port}");
        await proxy.WaitForLineAsync($"api key store: postgres-backed database=127.0.0.1:{server.Port}/postgres", Bounds.Startup);
        await proxy.WaitForLineAsync("listening on", Bounds.Startup);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Bounds.Prompt };
        using var create = new HttpRequestMessage(HttpMethod.Post, "/admin/keys") { Content = new StringContent("""{"name":"e2e"}""", Encoding.UTF8, "application/json") };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "admin");
        using var created = await http.SendAsync(create);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1L, await server.ScalarAsync<long>("postgres", "SELECT count(*) FROM server_api_keys"));
        Assert.Equal(0, await proxy.TerminateAsync(Bounds.Startup));
        AssertNoPassword(proxy, server.Password);
    }

    private ChildProcess StartProxy(params string[] arguments) => StartProxy(new Dictionary<string, string?>(), arguments);

    private ChildProcess StartProxy(Dictionary<string, string?> environment, params string[] arguments)
    {
        foreach (var (name, value) in ProgramPaths.Isolated.Environment)
        {
            environment.TryAdd(name, value);
        }

        var proxy = ChildProcess.Start("proxy", ProgramPaths.Proxy, arguments, ProgramPaths.Isolated with { Environment = environment });
        output.WriteLine($"proxy pid {proxy.Pid}");
        return proxy;
    }

    private void AssertNoPassword(ChildProcess proxy, string password)
    {
        foreach (var line in proxy.Lines)
        {
            output.WriteLine(line);
        }

        Assert.DoesNotContain(proxy.Lines, l => l.Contains(password, StringComparison.Ordinal));
    }
}
