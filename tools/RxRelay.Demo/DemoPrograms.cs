namespace RxRelay.Demo;

/// <summary>Where the three published programs are: one publish directory, or each dll named.</summary>
internal sealed record DemoPrograms(string ProxyDll, string WorkerDll, string EchoDll, string? Error)
{
    public const string Usage =
        "usage: rxrelay-demo [PUBLISH_DIR]   (default ./artifacts/publish, holding <program>/<program>.dll)\n" +
        "       rxrelay-demo --proxy <rxrelay-proxy.dll> --worker <rxrelay-worker.dll> --echo <rxrelay-echo-backend.dll>";

    public static DemoPrograms Resolve(IReadOnlyList<string> args)
    {
        if (args.Count is 0 or 1)
        {
            var root = Path.GetFullPath(args.Count == 1 ? args[0] : Path.Combine("artifacts", "publish"));
            return Check(
                Path.Combine(root, "rxrelay-proxy", "rxrelay-proxy.dll"),
                Path.Combine(root, "rxrelay-worker", "rxrelay-worker.dll"),
                Path.Combine(root, "rxrelay-echo-backend", "rxrelay-echo-backend.dll"));
        }

        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            named[args[i]] = Path.GetFullPath(args[i + 1]);
        }

        if (args.Count % 2 != 0
            || !named.TryGetValue("--proxy", out var proxy)
            || !named.TryGetValue("--worker", out var worker)
            || !named.TryGetValue("--echo", out var echo))
        {
            return new DemoPrograms("", "", "", "expected a publish directory, or all of --proxy, --worker and --echo");
        }

        return Check(proxy, worker, echo);
    }

    private static DemoPrograms Check(string proxy, string worker, string echo)
    {
        var missing = new[] { proxy, worker, echo }.Where(path => !File.Exists(path)).ToList();
        var error = missing.Count == 0
            ? null
            : "not found: " + string.Join(", ", missing) + " (run `dotnet cake --target=Publish` first)";
        return new DemoPrograms(proxy, worker, echo, error);
    }
}
