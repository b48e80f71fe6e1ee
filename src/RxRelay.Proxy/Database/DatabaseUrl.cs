using System.Globalization;
using Npgsql;

namespace RxRelay.Proxy.Database;

/// <summary>
/// Reads <c>--database-url</c> / <c>DATABASE_URL</c>: a libpq-style URL
/// (<c>postgres://user:password@host:port/database?sslmode=require</c>, as upstream takes) or an Npgsql
/// connection string (<c>Host=…;Username=…</c>). Errors never repeat the value: it may hold a password.
/// </summary>
internal static class DatabaseUrl
{
    /// <summary>Seconds to wait for a connection unless the value says otherwise (Npgsql's default is 15).</summary>
    public const int DefaultConnectTimeoutSeconds = 5;

    /// <summary>Seconds a statement may run unless the value says otherwise (Npgsql's default is 30).</summary>
    public const int DefaultCommandTimeoutSeconds = 10;

    /// <summary>PostgreSQL's port when a URL names none.</summary>
    public const int DefaultPort = 5432;

    private const int NpgsqlDefaultConnectTimeout = 15;

    private const int NpgsqlDefaultCommandTimeout = 30;

    private static readonly string[] Schemes = ["postgres://", "postgresql://"];

    /// <summary>The Npgsql connection string for <paramref name="raw"/>, or an error that does not quote it.</summary>
    public static (string? Value, string? Error) Parse(string raw)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = Schemes.Any(s => raw.StartsWith(s, StringComparison.OrdinalIgnoreCase)) ? FromUrl(raw) : new NpgsqlConnectionStringBuilder(raw);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            // Npgsql's messages can contain the offending text; only the kind of problem is reported.
            return (null, "not a postgres:// URL or a valid Npgsql connection string (the value is not repeated here: it may hold a password)");
        }
        catch (UrlException ex)
        {
            return (null, ex.Message);
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            return (null, "no host: give postgres://user:password@host:port/database or Host=…;Database=…");
        }

        // Npgsql's own defaults (15 s, 30 s) would hold a request that long during an outage.
        if (builder.Timeout == NpgsqlDefaultConnectTimeout)
        {
            builder.Timeout = DefaultConnectTimeoutSeconds;
        }

        if (builder.CommandTimeout == NpgsqlDefaultCommandTimeout)
        {
            builder.CommandTimeout = DefaultCommandTimeoutSeconds;
        }

        builder.ApplicationName ??= "rxrelay-proxy";
        return (builder.ConnectionString, null);
    }

    /// <summary><c>host:port/database</c> for log lines and errors; never the user's password.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}");
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string raw)
    {
        var rest = raw[(raw.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var query = string.Empty;
        if (rest.IndexOf('?') is var q and >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var database = string.Empty;
        if (rest.IndexOf('/') is var slash and >= 0)
        {
            database = Uri.UnescapeDataString(rest[(slash + 1)..]);
            rest = rest[..slash];
        }

        var builder = new NpgsqlConnectionStringBuilder();
        if (rest.LastIndexOf('@') is var at and >= 0)
        {
            var user = rest[..at];
            rest = rest[(at + 1)..];
            if (user.IndexOf(':') is var colon and >= 0)
            {
                builder.Password = Uri.UnescapeDataString(user[(colon + 1)..]);
                user = user[..colon];
            }

            builder.Username = Uri.UnescapeDataString(user);
        }

        SetHostAndPort(builder, rest);
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            SetParameter(builder, name, value);
        }

        return builder;
    }

    private static void SetHostAndPort(NpgsqlConnectionStringBuilder builder, string hostPort)
    {
        if (hostPort.Contains(','))
        {
            throw new UrlException("several hosts in a URL are not supported; use an Npgsql connection string (Host=a,b)");
        }

        var host = hostPort;
        var port = string.Empty;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']');
            if (close < 0)
            {
                throw new UrlException("unclosed '[' in the URL's host");
            }

            host = hostPort[1..close];
            port = hostPort[(close + 1)..].TrimStart(':');
        }
        else if (hostPort.IndexOf(':') is var colon and >= 0)
        {
            host = hostPort[..colon];
            port = hostPort[(colon + 1)..];
        }

        builder.Host = host.Length > 0 ? Uri.UnescapeDataString(host) : "localhost";
        if (port.Length == 0)
        {
            builder.Port = DefaultPort;
        }
        else if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 65535)
        {
            builder.Port = number;
        }
        else
        {
            throw new UrlException("the URL's port is not a number from 1 to 65535");
        }
    }

    private static void SetParameter(NpgsqlConnectionStringBuilder builder, string name, string value)
    {
        switch (name)
        {
            case "sslmode":
                builder.SslMode = value switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw new UrlException("sslmode must be disable, allow, prefer, require, verify-ca or verify-full"),
                };
                break;
            case "connect_timeout":
                builder.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                    ? seconds
                    : throw new UrlException("connect_timeout must be a whole number of seconds");
                break;
            case "application_name":
                builder.ApplicationName = value;
                break;
            case "host":
                builder.Host = value; // a Unix socket directory, as libpq allows
                break;
            default:
                throw new UrlException(
                    string.Create(CultureInfo.InvariantCulture, $"unsupported URL parameter '{Truncate(name)}' (supported: sslmode, connect_timeout, application_name, host)"));
        }
    }

    private static string Truncate(string name) => name.Length <= 32 ? name : name[..32] + "…";

    /// <summary>A URL problem whose message is safe to print (it never contains the user or the password).</summary>
    private sealed class UrlException(string message) : Exception(message);
}
