using RxRelay.Hosting;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Database;
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
    .Filter.ByExcluding(IsStartupFailureReport)
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
    // One line, as upstream's "Failed to bind to …"; the stack trace says nothing an operator can act on.
    Log.Fatal("{Cause}", ex.Message);
    return 1;
}
catch (DatabaseStartupException ex)
{
    Log.Fatal("{Cause}", ex.Message); // names the server and the cause, never the password
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

// The host reports a failed start with the whole exception; the catch blocks above say it in one line.
static bool IsStartupFailureReport(LogEvent e) =>
    e.Exception is IOException or DatabaseStartupException
    && e.Properties.TryGetValue("SourceContext", out var source)
    && source.ToString() == "\"Microsoft.Extensions.Hosting.Internal.Host\"";

static LogEventLevel ToSerilogLevel(string level) => level switch
{
    "trace" => LogEventLevel.Verbose,
    "debug" => LogEventLevel.Debug,
    "warn" => LogEventLevel.Warning,
    "error" => LogEventLevel.Error,
    "off" => LogEventLevel.Fatal + 1, // above every real level: nothing is written
    _ => LogEventLevel.Information,
};
