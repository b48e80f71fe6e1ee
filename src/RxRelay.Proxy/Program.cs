using RxRelay.Hosting;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Hosting;
using Serilog;
using Serilog.Events;

// rxrelay-proxy: flags and environment variables as upstream modelrelay-server (README.md#proxy-options).
var parsed = ProxyOptionsParser.Parse(args, Environment.GetEnvironmentVariable);
if (parsed.HelpRequested)
{
    Console.Out.Write(ProxyOptionsParser.HelpText());
    return 0;
}

if (parsed.Options is not { } options)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine(error);
    }

    return 1;
}

Log.Logger = new LoggerConfiguration()
    .MinimumLevel.Is(ToSerilogLevel(options.LogLevel))
    .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
    .WriteTo.Console(options.LogFormat)
    .CreateLogger();
try
{
    var app = ProxyApp.Build(options, TimeProvider.System, builder =>
    {
        builder.Host.UseSystemd();
        builder.Services.AddSerilog();
    });
    await app.RunAsync();
    return 0;
}
catch (IOException ex)
{
    Log.Fatal(ex, "Failed to bind to {Listen}", options.Listen);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

static LogEventLevel ToSerilogLevel(string level) => level switch
{
    "trace" => LogEventLevel.Verbose,
    "debug" => LogEventLevel.Debug,
    "warn" => LogEventLevel.Warning,
    "error" => LogEventLevel.Error,
    "off" => LogEventLevel.Fatal + 1, // above every real level: nothing is written
    _ => LogEventLevel.Information,
};
