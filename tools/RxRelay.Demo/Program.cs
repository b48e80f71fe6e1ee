using RxRelay.Demo;

// rxrelay-demo [PUBLISH_DIR] | --proxy DLL --worker DLL --echo DLL
// Exit 0 when both answers arrived and every child stopped; non-zero with a message otherwise.
var programs = DemoPrograms.Resolve(args);
if (programs.Error is not null)
{
    await Console.Error.WriteLineAsync("rxrelay-demo: " + programs.Error);
    await Console.Error.WriteLineAsync(DemoPrograms.Usage);
    return 2;
}

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Let the finally blocks stop the children instead of dying with them still running.
    e.Cancel = true;
    interrupted.Cancel();
};

return await DemoRun.RunAsync(programs, Console.Out, interrupted.Token);
