using System.Net.Sockets;
using Npgsql;

namespace RxRelay.Proxy.Database;

/// <summary>Which exceptions mean "the database did not answer" (as opposed to a bug to let surface).</summary>
internal static class DatabaseErrors
{
    /// <summary>True for connection, protocol, server and timeout errors of a database call.</summary>
    public static bool IsUnavailable(Exception error) =>
        error is NpgsqlException or TimeoutException or SocketException or IOException
        || (error is InvalidOperationException && error.InnerException is not null && IsUnavailable(error.InnerException));
}

/// <summary>The proxy cannot start: the database is unreachable, refuses the login, or holds an incompatible table. The message is one safe line.</summary>
public sealed class DatabaseStartupException(string message, Exception? inner = null) : Exception(message, inner);
