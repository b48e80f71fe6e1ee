// RxRelay build: the one entry point. `dotnet tool restore && dotnet cake --target=<Target>`.
var target = Argument("target", "Default");
var configuration = Argument("configuration", "Release");

var solution = "./RxRelay.sln";
var artifacts = Directory("./artifacts");

// Programs published by `Publish`: project folder → assembly name.
var programs = new Dictionary<string, string>
{
    ["./src/RxRelay.Worker/RxRelay.Worker.csproj"] = "rxrelay-worker",
    ["./src/RxRelay.Proxy/RxRelay.Proxy.csproj"] = "rxrelay-proxy",
    ["./src/RxRelay.EchoBackend/RxRelay.EchoBackend.csproj"] = "rxrelay-echo-backend",
};

// Removes everything a build writes: artifacts/ and every project's bin/ and obj/.
Task("Clean")
    .Does(() =>
{
    CleanDirectory(artifacts);
    CleanDirectories("./{src,tests,tools,bench}/**/{bin,obj}");
});

Task("Rebuild")
    .IsDependentOn("Clean")
    .IsDependentOn("Build");

Task("Build")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings
    {
        Configuration = configuration,
    });
});

// Suites that start real processes and sockets: a test that hangs is stopped and named instead of
// holding CI until its time limit.
var realProcessSuites = new HashSet<string> { "RxRelay.IntegrationTests", "RxRelay.EndToEndTests", "RxRelay.Bench.Tests" };
var hangTimeout = Argument("hang-timeout", "5m");

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    // Every test project; a failure in any fails the target (and so CI). Results: artifacts/test-results/<project>.trx.
    var failures = new List<string>();
    foreach (var project in GetFiles("./tests/**/*Tests.csproj"))
    {
        var name = project.GetFilenameWithoutExtension().ToString();
        try
        {
            DotNetTest(project.FullPath, new DotNetTestSettings
            {
                Configuration = configuration,
                NoBuild = true,
                Loggers = { "console;verbosity=minimal", $"trx;LogFileName={name}.trx" },
                ResultsDirectory = artifacts + Directory("test-results"),
                ArgumentCustomization = args => realProcessSuites.Contains(name)
                    ? args.Append("--blame-hang-timeout").Append(hangTimeout).Append("--blame-hang-dump-type").Append("none")
                    : args,
            });
        }
        catch (Exception ex)
        {
            Error($"{name}: {ex.Message}");
            failures.Add(name);
        }
    }
    if (failures.Count > 0)
    {
        throw new Exception("Test projects failed: " + string.Join(", ", failures));
    }
});

Task("Publish")
    .Does(() =>
{
    foreach (var (project, name) in programs)
    {
        DotNetPublish(project, new DotNetPublishSettings
        {
            Configuration = configuration,
            SelfContained = false,
            OutputDirectory = artifacts + Directory("publish") + Directory(name),
        });
    }
});

// Benchmarks (issue 7, docs/benchmarks.md). `Bench` measures direct vs one-hop YARP vs RxRelay on loopback
// with the published programs, plus the idle-worker scale cell; it fails when any request failed or a path
// could not run. Options pass through: --quick, --duration=S, --warmup=S, --rounds=N, --scale-workers=N,M,
// --scale-requests=N, --only=direct,yarp,rxrelay, --no-scale, --micro (codec micro-benchmarks instead),
// --cpus=auto|backend=0-3,load=4-7,sut=8-15 (core pinning), --workers=N (rxrelay-worker processes),
// --cluster (a forwarded request against a local one, two replicas on a throwaway PostgreSQL).
// --streams=N,M (with --stream-tokens, --stream-delay-ms, --stream-ramp; --workers sets the number of workers): many slow concurrent streams instead.
// `Bench-Micro` runs only the micro-benchmarks, without publishing first.
void RunBench(ProcessArgumentBuilder args)
{
    // The bench project has no launch profile, so no --no-launch-profile is needed.
    DotNetRun("./bench/RxRelay.Bench/RxRelay.Bench.csproj", args, new DotNetRunSettings
    {
        Configuration = configuration,
    });
}

Task("Bench")
    .IsDependentOn("Publish")
    .Does(() =>
{
    var args = new ProcessArgumentBuilder()
        .Append("--publish-dir").AppendQuoted(MakeAbsolute(artifacts + Directory("publish")).FullPath)
        .Append("--out").AppendQuoted(MakeAbsolute(artifacts + Directory("bench") + File("results.json")).FullPath);
    foreach (var flag in new[] { "micro", "quick", "no-scale", "cluster" })
    {
        if (HasArgument(flag)) args.Append("--" + flag);
    }
    foreach (var option in new[] { "duration", "warmup", "rounds", "scale-workers", "scale-requests", "only", "cells", "start-warmup", "cpus", "workers" })
    {
        if (HasArgument(option)) args.Append("--" + option).Append(Argument<string>(option));
    }
    foreach (var option in new[] { "streams", "stream-tokens", "stream-delay-ms", "stream-ramp" })
    {
        if (HasArgument(option)) args.Append("--" + option).Append(Argument<string>(option));
    }
    if (HasArgument("relay-env"))
    {
        foreach (var variable in Arguments<string>("relay-env")) args.Append("--relay-env").AppendQuoted(variable);
    }
    RunBench(args);
});

Task("Bench-Micro").Does(() => RunBench(new ProcessArgumentBuilder().Append("--micro")));

// What bench/many-core/run.sh needs on a many-core machine without .NET (docs/benchmarks.md#many-core): the
// programs and the harness published framework-dependent, and the shared runtime, packed into
// artifacts/bench-bundle as two xz tarballs.
Task("Bench-Bundle")
    .IsDependentOn("Publish")
    .Does(() =>
{
    var bench = artifacts + Directory("bench-bundle") + Directory("harness");
    DotNetPublish("./bench/RxRelay.Bench/RxRelay.Bench.csproj", new DotNetPublishSettings
    {
        Configuration = configuration,
        SelfContained = false,
        OutputDirectory = bench,
    });
    var exit = StartProcess("bash", new ProcessSettings
    {
        Arguments = new ProcessArgumentBuilder()
            .Append("bench/many-core/bundle.sh")
            .AppendQuoted(MakeAbsolute(artifacts + Directory("publish")).FullPath)
            .AppendQuoted(MakeAbsolute(bench).FullPath)
            .AppendQuoted(MakeAbsolute(artifacts + Directory("bench-bundle")).FullPath),
    });
    DeleteDirectory(bench, new DeleteDirectorySettings { Recursive = true });
    if (exit != 0)
    {
        throw new Exception($"bench/many-core/bundle.sh failed with exit code {exit}");
    }
});

// Foreground runs of one program, configured by its environment variables (PROXY_URL, WORKER_SECRET,
// BACKEND_URL, LISTEN_ADDR, …, the upstream names). Ctrl-C / SIGTERM stops it cleanly.
void RunProgram(string project)
{
    DotNetRun(project, new DotNetRunSettings
    {
        Configuration = configuration,
        // Cake 7's DotNetRunSettings has no NoLaunchProfile property; pass the flag itself.
        ArgumentCustomization = args => args.Append("--no-launch-profile"),
    });
}

Task("Run-Proxy").Does(() => RunProgram("./src/RxRelay.Proxy/RxRelay.Proxy.csproj"));
Task("Run-Worker").Does(() => RunProgram("./src/RxRelay.Worker/RxRelay.Worker.csproj"));
Task("Run-EchoBackend").Does(() => RunProgram("./src/RxRelay.EchoBackend/RxRelay.EchoBackend.csproj"));

// Echo backend + proxy + worker on loopback as real processes, two chat completions through them, a
// clean stop. The logic lives in tools/RxRelay.Demo; a failure there exits non-zero and fails this task.
Task("Demo")
    .IsDependentOn("Publish")
    .Does(() =>
{
    DotNetRun("./tools/RxRelay.Demo/RxRelay.Demo.csproj",
        new ProcessArgumentBuilder().AppendQuoted(MakeAbsolute(artifacts + Directory("publish")).FullPath),
        new DotNetRunSettings
        {
            Configuration = configuration,
        });
});

// Container images (docker/*.Dockerfile, docker-compose.yml). No registry or container engine is needed:
// each image's ENTRYPOINT runs from the published build with the image's ENV, as its non-root uid when
// run as root, and its HEALTHCHECK must fail before and pass after start (docker/verify.py says what is
// and is not covered). Not part of Test.
Task("Containers")
    .IsDependentOn("Publish")
    .Does(() =>
{
    var exit = StartProcess("python3", new ProcessSettings { Arguments = "docker/verify.py ." });
    if (exit != 0)
    {
        throw new Exception($"docker/verify.py failed with exit code {exit}");
    }
});

Task("Default")
    .IsDependentOn("Test");

RunTarget(target);
