using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Admin;
using RxRelay.Proxy.ApiKeys;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Database;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Health;
using RxRelay.Proxy.Http;
using RxRelay.Proxy.Monitoring;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Hosting;

/// <summary>
/// Builds the proxy application: Kestrel bound to <see cref="ProxyOptions.Listen"/>, the dispatcher, the
/// routes of docs/protocol.md#http-api and the worker endpoint of docs/protocol.md#connect. Tests host it in-process (port 0) with a
/// <c>FakeTimeProvider</c> or real time; <c>Program.cs</c> adds Serilog and systemd through <c>configure</c>.
/// </summary>
public static class ProxyApp
{
    /// <summary>Builds (does not start) the application.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="time">The only clock of the proxy; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="configure">Extra host configuration (logging sinks, service integration).</param>
    public static WebApplication Build(ProxyOptions options, TimeProvider? time = null, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.DurationErrors() is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false; // upstream (axum) sends no Server header
            KestrelListeners.Listen(kestrel, options.Listen);
            MetricsExposure.BindMetricsListener(kestrel, options);
            PeerListener.BindPeerListener(kestrel, options);
        });
        // Kestrel's own graceful stop runs after the drain, so its budget must exceed the drain's (and the drain delay's).
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = ShutdownCoordinator.HostStopBudget(options));
        AddServices(builder.Services, options, time);
        configure?.Invoke(builder);
        var app = builder.Build();
        MapRoutes(app, options);
        LogStartup(app, options);
        // With --listen ip:0 the port is only known once Kestrel is bound; Kestrel's own line is filtered out.
        app.Lifetime.ApplicationStarted.Register(() => LogListening(app));
        return app;
    }

    /// <summary>The dispatcher limits for these options; a zero queue timeout (never expire) becomes null.</summary>
    internal static DispatchOptions ToDispatchOptions(ProxyOptions options) => new()
    {
        MaxQueueLength = options.MaxQueueLength,
        QueueTimeout = options.QueueTimeout == TimeSpan.Zero ? null : options.QueueTimeout,
        StreamBufferChunks = options.RequestEventCapacity,
        FirstEventTimeout = options.WorkerFirstEventTimeout == TimeSpan.Zero ? null : options.WorkerFirstEventTimeout,
    };

    private static void AddServices(IServiceCollection services, ProxyOptions options, TimeProvider time)
    {
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(sp => new Dispatcher(ToDispatchOptions(options), time, sp.GetRequiredService<ILogger<Dispatcher>>()));
        services.AddProxyMetrics(options);
        AddKeyStore(services, options, time);
        services.AddClusterDirectory(options, time); // after the key store, which registers the database
        services.AddSingleton<AuthRateLimiter>();
        services.AddSingleton<WorkerAuthenticator>();
        services.AddSingleton<WorkerConnectionSlots>();
        services.AddSingleton<FailureLogThrottle>();
        services.AddSingleton<CredentialGuard>();
        services.AddSingleton<ShutdownState>();
        services.AddSingleton<WorkerConnectEndpoint>();
        services.AddSingleton<InferenceEndpoint>();
        services.AddSingleton<HealthEndpoint>();
        services.AddSingleton<ModelsEndpoint>();
        services.AddSingleton<AdminEndpoints>();
        services.AddHostedService<ShutdownCoordinator>();
        services.AddPeerListener(options);
    }

    /// <summary>Keys in upstream's PostgreSQL table with <c>--database-url</c> (docs/protocol.md#http-api-keys-database), else in memory.</summary>
    private static void AddKeyStore(IServiceCollection services, ProxyOptions options, TimeProvider time)
    {
        if (options.DatabaseConnectionString is not { } connectionString)
        {
            services.AddSingleton<IApiKeyStore>(new InMemoryApiKeyStore(time));
            return;
        }

        services.AddSingleton(new ApiKeyCacheOptions()); // a test's host hook may register its own after this one
        services.AddSingleton(_ => new RelayDatabase(connectionString));
        services.AddSingleton(sp => new DatabaseHealth(
            sp.GetRequiredService<RelayDatabase>(), sp.GetRequiredService<ApiKeyCacheOptions>().RetryInterval, time, sp.GetRequiredService<ILogger<DatabaseHealth>>()));
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<LastUsedBatch>();
        services.AddSingleton<PostgresApiKeyStore>();
        services.AddSingleton<IApiKeyStore>(sp => sp.GetRequiredService<PostgresApiKeyStore>());
        services.AddHostedService<ApiKeySync>();
    }

    private static void MapRoutes(WebApplication app, ProxyOptions options)
    {
        string[] get = ["GET", "HEAD"];
        app.UsePeerListener(options); // first: a peer connection reaches the forward route and nothing else
        app.UseMetricsEndpoint(options);
        app.UseUpstreamCors();
        app.UseRequestObservation(); // before the key guard, so its 429s carry an id and are counted
        app.UseClientKeyGuard();
        app.UseWorkerFrameGuard(); // before UseWebSockets, which takes the upgrade feature as a request arrives
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero }); // upstream never sends WS pings
        var services = app.Services;
        app.MapMethods("/health", get, services.GetRequiredService<HealthEndpoint>().HandleAsync);
        app.MapMethods("/v1/models", get, services.GetRequiredService<ModelsEndpoint>().HandleAsync);
        app.MapMethods(WorkerConnectEndpoint.Path, get, services.GetRequiredService<WorkerConnectEndpoint>().HandleAsync);
        var inference = services.GetRequiredService<InferenceEndpoint>();
        foreach (var path in InferenceEndpoint.Paths)
        {
            app.MapPost(path, inference.For(path));
        }

        var admin = services.GetRequiredService<AdminEndpoints>();
        app.MapMethods("/admin/workers", get, admin.Guarded(admin.WorkersAsync));
        app.MapMethods("/admin/stats", get, admin.Guarded(admin.StatsAsync));
        app.MapMethods("/admin/keys", get, admin.Guarded(admin.ListKeysAsync));
        app.MapPost("/admin/keys", admin.Guarded(admin.CreateKeyAsync));
        app.MapDelete("/admin/keys/{id}", admin.Guarded(admin.RevokeKeyAsync));
    }

    private static void LogListening(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RxRelay.Proxy");
        foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            ProxyLog.Listening(logger, address);
        }
    }

    private static void LogStartup(WebApplication app, ProxyOptions options)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RxRelay.Proxy");
        ProxyLog.Starting(
            logger,
            options.Listen,
            options.Provider,
            options.QueueTimeout == TimeSpan.Zero ? "none" : $"{options.QueueTimeout.TotalSeconds}s",
            options.RequestTimeout == TimeSpan.Zero ? "none" : $"{options.RequestTimeout.TotalSeconds}s",
            options.MaxQueueLength is { } max ? max.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unlimited");
        if (options.WorkerSecret is null)
        {
            ProxyLog.NoWorkerSecret(logger);
        }

        if (options.DatabaseConnectionString is null)
        {
            ApiKeyLog.InMemory(logger);
        }
    }
}
