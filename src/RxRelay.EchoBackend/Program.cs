using RxRelay.EchoBackend;

var (options, error, help) = EchoCommandLine.Parse(args);
if (help)
{
    Console.WriteLine(EchoCommandLine.Usage);
    return 0;
}

if (options is null)
{
    await Console.Error.WriteLineAsync(error);
    return 1;
}

await using var app = EchoBackendApp.Build(options, logging => logging
    .AddSimpleConsole(console => console.SingleLine = true)
    .SetMinimumLevel(LogLevel.Information)
    .AddFilter("Microsoft", LogLevel.Warning));
try
{
    await app.StartAsync();
}
catch (IOException ex)
{
    // Kestrel reports an address in use or not available as an IOException.
    await Console.Error.WriteLineAsync($"error: failed to bind to {options.Listen}: {ex.Message}");
    return 1;
}

var url = EchoBackendApp.BoundAddress(app).GetLeftPart(UriPartial.Authority);
EchoLog.Listening(app.Logger, url);

// Ctrl-C and SIGTERM trigger the host's stop; in-flight streams are cut at once (see EchoEndpoints).
await app.WaitForShutdownAsync();
return 0;
