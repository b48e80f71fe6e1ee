using System.Globalization;
using RxRelay.Worker.Configuration;

namespace RxRelay.Worker.Tests.Configuration;

public sealed class WorkerOptionsLoaderSourcesTests : IDisposable
{
    private readonly LoaderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    // flag, env var, TOML key, flag/env text, TOML literal, expected value as rendered by Render.
    public static TheoryData<string, string, string, string, string, string> Settings => new()
    {
        { "--proxy-url", "PROXY_URL", "proxy_url", "https://relay.example:9443", "\"https://relay.example:9443\"", "https://relay.example:9443" },
        { "--provider", "PROVIDER_NAME", "provider", "openai", "\"openai\"", "openai" },
        { "--worker-secret", "WORKER_SECRET", "worker_secret", "top-secret", "\"top-secret\"", "top-secret" },
        { "--worker-name", "WORKER_NAME", "worker_name", "gpu-box-a", "\"gpu-box-a\"", "gpu-box-a" },
        { "--models", "MODELS", "models", "llama,qwen", "[\"llama\", \"qwen\"]", "llama|qwen" },
        { "--max-concurrency", "MAX_CONCURRENCY", "max_concurrency", "4", "4", "4" },
        { "--backend-url", "BACKEND_URL", "backend_url", "http://10.0.0.5:11434", "\"http://10.0.0.5:11434\"", "http://10.0.0.5:11434" },
        { "--log-level", "LOG_LEVEL", "log_level", "DEBUG", "\"Debug\"", "debug" },
        { "--idle-timeout-secs", "IDLE_TIMEOUT_SECS", "idle_timeout_secs", "2.5", "2.5", "00:00:02.5000000" },
        { "--shutdown-timeout-secs", "SHUTDOWN_TIMEOUT_SECS", "shutdown_timeout_secs", "0", "0", "00:00:00" },
        { "--extra-endpoint-paths", "EXTRA_ENDPOINT_PATHS", "extra_endpoint_paths", "/v1/embeddings,/v1/rerank", "[\"/v1/embeddings\", \"/v1/rerank\"]", "/v1/embeddings|/v1/rerank" },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Load_SettingGivenAsSeparateFlagValue_IsUsed(string flag, string env, string key, string text, string toml, string expected)
    {
        _ = (env, key, toml);
        var options = _harness.LoadValid(WithSecret(flag, [flag, text]));

        Assert.Equal(expected, Render(options, flag));
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Load_SettingGivenAsFlagEqualsValue_IsUsed(string flag, string env, string key, string text, string toml, string expected)
    {
        _ = (env, key, toml);
        var options = _harness.LoadValid(WithSecret(flag, [$"{flag}={text}"]));

        Assert.Equal(expected, Render(options, flag));
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Load_SettingGivenByEnvironment_IsUsed(string flag, string env, string key, string text, string toml, string expected)
    {
        _ = (key, toml);
        _harness.Environment[env] = text;

        var options = _harness.LoadValid(WithSecret(flag, []));

        Assert.Equal(expected, Render(options, flag));
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Load_SettingGivenInTomlFile_IsUsed(string flag, string env, string key, string text, string toml, string expected)
    {
        _ = (env, text);
        var path = _harness.WriteToml($"{key} = {toml}\n");

        var options = _harness.LoadValid(WithSecret(flag, ["--config", path]));

        Assert.Equal(expected, Render(options, flag));
    }

    [Fact]
    public void Load_FullTomlFileWithUnknownKeysAndTables_ReadsKnownKeysAndIgnoresTheRest()
    {
        var path = _harness.WriteToml("""
            proxy_url = "wss://relay.example"
            worker_secret = "from-file"
            max_concurrency = 8
            idle_timeout_secs = 120
            colour = "blue"
            [future_section]
            anything = 1
            """);

        var options = _harness.LoadValid("--config", path);

        Assert.Equal("wss://relay.example", options.ProxyUrl);
        Assert.Equal("from-file", options.WorkerSecret);
        Assert.Equal(8u, options.MaxConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(120), options.IdleTimeout);
    }

    // Every test except the secret's own supplies a secret, so only the setting under test varies.
    private static string[] WithSecret(string flag, string[] args)
        => flag == "--worker-secret" ? args : [.. args, "--worker-secret", "s"];

    private static string Render(WorkerOptions options, string flag) => flag switch
    {
        "--proxy-url" => options.ProxyUrl,
        "--provider" => options.Provider,
        "--worker-secret" => options.WorkerSecret,
        "--worker-name" => options.WorkerName,
        "--models" => string.Join('|', options.Models),
        "--max-concurrency" => options.MaxConcurrency.ToString(CultureInfo.InvariantCulture),
        "--backend-url" => options.BackendUrl,
        "--log-level" => options.LogLevel,
        "--idle-timeout-secs" => options.IdleTimeout.ToString("c", CultureInfo.InvariantCulture),
        "--shutdown-timeout-secs" => options.ShutdownTimeout.ToString("c", CultureInfo.InvariantCulture),
        "--extra-endpoint-paths" => string.Join('|', options.ExtraEndpointPaths),
        _ => throw new ArgumentOutOfRangeException(nameof(flag), flag, null),
    };
}
