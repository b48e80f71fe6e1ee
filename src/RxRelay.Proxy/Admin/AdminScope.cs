using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Http;

namespace RxRelay.Proxy.Admin;

/// <summary>
/// The <c>scope</c> query parameter of <c>/admin/workers</c> and <c>/admin/stats</c> in cluster mode: absent or
/// <c>local</c> → this replica only, exactly the single-replica answer; <c>cluster</c> → the same plus a
/// <c>cluster</c> object (<see cref="ClusterStatusJson.WriteDetail"/>); anything else → 400. In single replica
/// mode the query is not read at all, so those answers stay upstream's whatever the URL carries.
/// </summary>
internal static class AdminScope
{
    /// <summary>The 400 body (text/plain, with a trailing newline).</summary>
    public const string InvalidMessage = "scope must be 'local' or 'cluster'";

    /// <summary>
    /// Reads the scope; <paramref name="cluster"/> is the status to append (null for the local scope or in single
    /// mode). False when the value is not one of the two (or repeated).
    /// </summary>
    public static bool TryRead(HttpContext context, ClusterDirectory? directory, out ClusterStatus? cluster)
    {
        cluster = null;
        if (directory is null || !context.Request.Query.TryGetValue("scope", out var values))
        {
            return true;
        }

        switch (values.Count == 1 ? values[0] : null)
        {
            case "local":
                return true;
            case "cluster":
                cluster = directory.Status;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Answers 400 with <see cref="InvalidMessage"/>.</summary>
    public static Task WriteInvalidAsync(HttpContext context) =>
        PlainTextResponses.WriteAsync(context, StatusCodes.Status400BadRequest, InvalidMessage + "\n");
}
