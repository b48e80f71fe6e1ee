namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// The programs under test. The test project references them, so the build copies each program's dll
/// and runtimeconfig next to the tests; they run as <c>dotnet &lt;dll&gt;</c>, exactly as published.
/// </summary>
internal static class ProgramPaths
{
    public static string Proxy => Find("rxrelay-proxy");

    public static string Worker => Find("rxrelay-worker");

    public static string EchoBackend => Find("rxrelay-echo-backend");

    private static string Find(string program)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, program + ".dll");
        var config = Path.Combine(AppContext.BaseDirectory, program + ".runtimeconfig.json");
        if (!File.Exists(dll) || !File.Exists(config))
        {
            throw new FileNotFoundException($"{program}.dll or its runtimeconfig.json is not beside the tests; build the test project", dll);
        }

        return dll;
    }
}
