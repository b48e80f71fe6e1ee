using RxRelay.Worker.Configuration;

namespace RxRelay.Worker.Tests.Configuration;

public sealed class WorkerOptionsLoaderDefaultsTests : IDisposable
{
    private readonly LoaderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Load_OnlySecretGiven_UsesUpstreamDefaults()
    {
        var options = _harness.LoadValid("--worker-secret", "s3cret");

        Assert.Equal("http://127.0.0.1:8080", options.ProxyUrl);
        Assert.Equal("local", options.Provider);
        Assert.Equal("s3cret", options.WorkerSecret);
        Assert.Equal("worker", options.WorkerName);
        Assert.Equal(["default"], options.Models);
        Assert.Equal(1u, options.MaxConcurrency);
        Assert.Equal("http://127.0.0.1:8000", options.BackendUrl);
        Assert.Equal("info", options.LogLevel);
        Assert.Equal(TimeSpan.FromSeconds(90), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ShutdownTimeout);
        Assert.Empty(options.ExtraEndpointPaths);
    }

    [Fact]
    public void Load_RustLogSet_IsIgnored()
    {
        _harness.Environment["WORKER_SECRET"] = "s";
        _harness.Environment["RUST_LOG"] = "debug";

        Assert.Equal("info", _harness.LoadValid().LogLevel);
    }

    [Fact]
    public void Load_EnvVarSetToEmptyString_CountsAsUnset()
    {
        _harness.Environment["WORKER_SECRET"] = "s";
        _harness.Environment["PROXY_URL"] = "";

        Assert.Equal("http://127.0.0.1:8080", _harness.LoadValid().ProxyUrl);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Load_HelpFlag_ReturnsUsageListingEveryFlagEnvAndDefault(string flag)
    {
        var result = _harness.Load("--bogus", flag);

        Assert.Null(result.Options);
        Assert.Empty(result.Errors);
        Assert.NotNull(result.HelpText);
        Assert.Contains("--config <FILE>", result.HelpText, StringComparison.Ordinal);
        Assert.Contains("--max-concurrency <N>", result.HelpText, StringComparison.Ordinal);
        Assert.Contains("[env: MAX_CONCURRENCY] [toml: max_concurrency] [default: 1]", result.HelpText, StringComparison.Ordinal);
        Assert.Contains("[env: PROXY_URL] [toml: proxy_url] [default: http://127.0.0.1:8080]", result.HelpText, StringComparison.Ordinal);
        Assert.Contains("[env: WORKER_SECRET] [toml: worker_secret] [default: required]", result.HelpText, StringComparison.Ordinal);
        Assert.Contains("RUST_LOG is not read", result.HelpText, StringComparison.Ordinal);
        Assert.All(WorkerSettings.All, s => Assert.Contains($"{s.Flag} <{s.ValueName}>", result.HelpText, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_VersionFlag_ReturnsProgramNameAndVersion()
    {
        var result = _harness.Load("--version");

        Assert.Null(result.Options);
        Assert.Empty(result.Errors);
        Assert.StartsWith("rxrelay-worker ", result.HelpText, StringComparison.Ordinal);
        Assert.DoesNotContain("+", result.HelpText, StringComparison.Ordinal);
    }
}
