using Npgsql;
using RxRelay.Proxy.Database;

namespace RxRelay.Proxy.Tests.Database;

/// <summary><c>--database-url</c>: upstream's URL form and Npgsql connection strings; errors never quote the value.</summary>
public sealed class DatabaseUrlTests
{
    private static NpgsqlConnectionStringBuilder Parsed(string raw)
    {
        var (value, error) = DatabaseUrl.Parse(raw);
        Assert.Null(error);
        return new NpgsqlConnectionStringBuilder(value);
    }

    [Fact]
    public void Url_AllParts()
    {
        var b = Parsed("postgres://relay:p%40ss%3Aword@db.internal:6543/keys%20db?sslmode=require&application_name=edge&connect_timeout=7");

        Assert.Equal(
            ("db.internal", 6543, "relay", "p@ss:word", "keys db", SslMode.Require, "edge", 7),
            (b.Host, b.Port, b.Username, b.Password, b.Database, b.SslMode, b.ApplicationName, b.Timeout));
    }

    [Fact]
    public void Url_Defaults_PortApplicationNameAndShortTimeouts()
    {
        var b = Parsed("postgresql://relay@db/keys");

        Assert.Equal(
            ("db", DatabaseUrl.DefaultPort, "relay", null, "rxrelay-proxy", DatabaseUrl.DefaultConnectTimeoutSeconds, DatabaseUrl.DefaultCommandTimeoutSeconds),
            (b.Host, b.Port, b.Username, b.Password, b.ApplicationName, b.Timeout, b.CommandTimeout));
    }

    [Fact]
    public void Url_Ipv6HostAndSocketDirectory()
    {
        Assert.Equal(("::1", 5433), (Parsed("postgres://u:p@[::1]:5433/d").Host, Parsed("postgres://u:p@[::1]:5433/d").Port));
        Assert.Equal("/var/run/postgresql", Parsed("postgres:///keys?host=/var/run/postgresql").Host);
    }

    [Fact]
    public void ConnectionString_PassesThrough_WithItsOwnTimeouts()
    {
        var b = Parsed("Host=db;Port=5544;Username=u;Password=pw;Database=keys;Timeout=20;Command Timeout=40");

        Assert.Equal(("db", 5544, "pw", 20, 40), (b.Host, b.Port, b.Password, b.Timeout, b.CommandTimeout));
    }

    [Theory]
    [InlineData("postgres://u:hunter2@db:99999/d", "the URL's port is not a number from 1 to 65535")]
    [InlineData("postgres://u:hunter2@db:5432/d?sslmode=sometimes", "sslmode must be disable, allow, prefer, require, verify-ca or verify-full")]
    [InlineData("postgres://u:hunter2@a,b/d", "several hosts in a URL are not supported; use an Npgsql connection string (Host=a,b)")]
    [InlineData("postgres://u:hunter2@db/d?options=x", "unsupported URL parameter 'options' (supported: sslmode, connect_timeout, application_name, host)")]
    [InlineData("Host=db;Passwurd=hunter2", "not a postgres:// URL or a valid Npgsql connection string (the value is not repeated here: it may hold a password)")]
    [InlineData("Username=u;Password=hunter2", "no host: give postgres://user:password@host:port/database or Host=…;Database=…")]
    public void BadValue_ClearErrorWithoutThePassword(string raw, string expected)
    {
        var (value, error) = DatabaseUrl.Parse(raw);

        Assert.Null(value);
        Assert.Equal(expected, error);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_NamesServerAndDatabase_NotTheCredentials() =>
        Assert.Equal("db:5432/keys", DatabaseUrl.Describe(DatabaseUrl.Parse("postgres://relay:hunter2@db/keys").Value!));
}
