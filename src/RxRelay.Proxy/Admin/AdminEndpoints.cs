using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.ApiKeys;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Http;

namespace RxRelay.Proxy.Admin;

/// <summary>
/// <c>/admin/workers</c>, <c>/admin/stats</c>, <c>/admin/keys</c> (docs/protocol.md#http-admin). Every call is
/// checked against the admin token first (403, empty body) — for <c>POST /admin/keys</c> too, before the
/// body is read, so unauthenticated callers learn nothing from 415/400/422 (upstream checks after parsing,
/// docs/differences-from-upstream.md#proxy-admin-check-first). Wrong tokens are limited per caller address by
/// <see cref="CredentialGuard"/> (429 while blocked); upstream does not limit them. In cluster mode,
/// <c>?scope=cluster</c> on <c>/admin/workers</c> and <c>/admin/stats</c> appends the directory view (<see cref="AdminScope"/>).
/// </summary>
internal sealed class AdminEndpoints(
    Dispatcher dispatcher, IApiKeyStore keys, ProxyOptions options, CredentialGuard guard, ClusterDirectory? directory = null)
{
    /// <summary>Surface name in the guard's log lines.</summary>
    public const string Surface = "admin";

    /// <summary>Wraps a handler with the admin check.</summary>
    public RequestDelegate Guarded(Func<HttpContext, Task> handler) => context =>
    {
        var identity = guard.IdentityOf(context);
        if (guard.IsBlocked(identity, Surface))
        {
            CredentialGuard.WriteTooManyAttempts(context);
            return Task.CompletedTask;
        }

        if (!AdminAuth.IsAuthorized(context.Request.Headers, options.AdminToken))
        {
            // No token configured: the API is off, every call is refused; not a guess worth limiting.
            if (options.AdminToken is not null)
            {
                guard.Failed(identity, Surface);
            }

            PlainTextResponses.Empty(context, StatusCodes.Status403Forbidden);
            return Task.CompletedTask;
        }

        return handler(context);
    };

    /// <summary><c>GET /admin/workers</c>.</summary>
    public async Task WorkersAsync(HttpContext context)
    {
        if (!AdminScope.TryRead(context, directory, out var cluster))
        {
            await AdminScope.WriteInvalidAsync(context);
            return;
        }

        var snapshot = dispatcher.GetSnapshot(context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("workers");
            foreach (var worker in snapshot.Workers)
            {
                w.WriteStartObject();
                w.WriteString("worker_id", worker.WorkerId);
                w.WriteString("provider", worker.Provider);
                w.WriteString("worker_name", worker.WorkerName);
                w.WriteStringArray("models", worker.Models);
                w.WriteNumber("max_concurrent", worker.MaxConcurrent);
                w.WriteNumber("reported_load", worker.ReportedLoad);
                w.WriteNumber("in_flight_count", worker.InFlight);
                w.WriteBoolean("is_draining", worker.IsDraining);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteCluster(w, cluster);
            w.WriteEndObject();
        });
    }

    /// <summary><c>GET /admin/stats</c>.</summary>
    public async Task StatsAsync(HttpContext context)
    {
        if (!AdminScope.TryRead(context, directory, out var cluster))
        {
            await AdminScope.WriteInvalidAsync(context);
            return;
        }

        var snapshot = dispatcher.GetSnapshot(context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("queue_depth");
            foreach (var (provider, depth) in snapshot.QueueDepths)
            {
                w.WriteNumber(provider, depth);
            }

            w.WriteEndObject();
            w.WriteNumber("active_workers", snapshot.Workers.Count);
            WriteCluster(w, cluster);
            w.WriteEndObject();
        });
    }

    /// <summary><c>GET /admin/keys</c>; 500 with an empty body when the store fails (upstream).</summary>
    public async Task ListKeysAsync(HttpContext context)
    {
        if (await StoreCallAsync(context, keys.ListAsync) is not { } list)
        {
            return;
        }

        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("keys");
            foreach (var key in list)
            {
                w.WriteStartObject();
                WriteMetadata(w, key);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary><c>POST /admin/keys</c>: 201 with the metadata flattened plus the one-time <c>secret</c>.</summary>
    public async Task CreateKeyAsync(HttpContext context)
    {
        var request = await CreateKeyRequestReader.ReadAsync(context.Request, context.RequestAborted);
        if (request.Name is not { } name)
        {
            await PlainTextResponses.WriteAsync(context, request.Status, request.Error!);
            return;
        }

        var created = await StoreCallAsync(context, async ct => ((ApiKeyRecord, string)?)await keys.CreateAsync(name, ct));
        if (created is not var (record, secret))
        {
            return;
        }

        await JsonResponses.WriteAsync(context, StatusCodes.Status201Created, w =>
        {
            w.WriteStartObject();
            WriteMetadata(w, record);
            w.WriteString("secret", secret);
            w.WriteEndObject();
        });
    }

    /// <summary><c>DELETE /admin/keys/{id}</c>: 204 when a key was revoked, 404 otherwise (a non-UUID id too).</summary>
    public async Task RevokeKeyAsync(HttpContext context)
    {
        var id = context.Request.RouteValues["id"] as string ?? string.Empty;
        if (await StoreCallAsync(context, async ct => (bool?)await keys.RevokeAsync(id, ct)) is { } revoked)
        {
            PlainTextResponses.Empty(context, revoked ? StatusCodes.Status204NoContent : StatusCodes.Status404NotFound);
        }
    }

    /// <summary>Runs a store call; when the store fails (already logged there) answers 500 with an empty body and returns default.</summary>
    private static async Task<T?> StoreCallAsync<T>(HttpContext context, Func<CancellationToken, Task<T>> call)
    {
        try
        {
            return await call(context.RequestAborted);
        }
        catch (ApiKeyStoreException)
        {
            PlainTextResponses.Empty(context, StatusCodes.Status500InternalServerError);
            return default;
        }
    }

    private static void WriteCluster(Utf8JsonWriter w, ClusterStatus? cluster)
    {
        if (cluster is not null)
        {
            ClusterStatusJson.WriteDetail(w, cluster);
        }
    }

    private static void WriteMetadata(Utf8JsonWriter w, ApiKeyRecord key)
    {
        w.WriteString("id", key.Id);
        w.WriteString("name", key.Name);
        w.WriteString("prefix", key.Prefix);
        w.WriteNumber("created_at", key.CreatedAt);
        if (key.LastUsedAt is { } used)
        {
            w.WriteNumber("last_used_at", used);
        }
        else
        {
            w.WriteNull("last_used_at");
        }

        w.WriteBoolean("revoked", key.Revoked);
    }
}
