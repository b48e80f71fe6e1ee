namespace RxRelay.EchoBackend;

/// <summary>
/// Builds the echo backend as a <see cref="WebApplication"/>, for <c>Program</c> and for tests that
/// host it in-process. In a test: <c>await using var echo = await EchoBackendApp.StartAsync(new()
/// { Listen = ListenAddress.LoopbackAnyPort });</c> then call <c>echo.BaseAddress</c>.
/// </summary>
internal static class EchoBackendApp
{
    /// <summary>Builds (does not start) the app. Logging providers are cleared; <paramref name="configureLogging"/> adds any.</summary>
    public static WebApplication Build(EchoBackendOptions options, Action<ILoggingBuilder>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(EchoBackendApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        configureLogging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Listen.Address, options.Listen.Port);
        });

        var app = builder.Build();
        EchoEndpoints.Map(app, options);
        return app;
    }

    /// <summary>Builds and starts the app; the result knows the bound address.</summary>
    public static async Task<RunningEchoBackend> StartAsync(EchoBackendOptions options, CancellationToken cancellationToken = default)
    {
        var app = Build(options);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new RunningEchoBackend(app);
    }

    /// <summary>The first address Kestrel bound, with the real port when 0 was asked for.</summary>
    public static Uri BoundAddress(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new Uri(app.Urls.First());
    }
}
