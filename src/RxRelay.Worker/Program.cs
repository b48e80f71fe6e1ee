using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RxRelay.Hosting;
using RxRelay.Worker.Configuration;
using RxRelay.Worker.Hosting;
using Serilog;
using Serilog.Events;

// Before anything touches a socket: see SocketCompletions.
SocketCompletions.PreferInline(Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);

var loaded = WorkerOptionsLoader.Load(args, Environment.GetEnvironmentVariable);
if (loaded.HelpText is not null)
{
    Console.Out.WriteLine(loaded.HelpText);
    return 0;
}

if (loaded.Options is not { } options)
{
    foreach (var error in loaded.Errors)
        Console.Error.WriteLine(error);
    return 1;
}

Log.Logger = new LoggerConfiguration()
    .MinimumLevel.Is(ToSerilogLevel(options.LogLevel))
    .WriteTo.Console(options.LogFormat)
    .CreateLogger();

try
{
    // No args: the worker's own loader owns the command line; the host's config parser must not reinterpret it.
    var builder = Host.CreateApplicationBuilder();
    builder.Services.AddSerilog();
    builder.Services.AddSystemd();
    builder.Services.AddRxRelayWorker(options);
    await builder.Build().RunAsync();
    return 0;
}
catch (Exception error)
{
    Log.Fatal(error, "rxrelay-worker error");
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
    _ => LogEventLevel.Information,
};
