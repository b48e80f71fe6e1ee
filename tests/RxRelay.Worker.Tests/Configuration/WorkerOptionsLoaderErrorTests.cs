namespace RxRelay.Worker.Tests.Configuration;

public sealed class WorkerOptionsLoaderErrorTests : IDisposable
{
    private readonly LoaderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Load_NoSecretAnywhere_ReportsUpstreamMessageExactly()
    {
        var result = _harness.Load();

        Assert.Null(result.Options);
        Assert.Equal(["error: worker secret is required (--worker-secret, WORKER_SECRET env, or config file)"], result.Errors);
    }

    [Fact]
    public void Load_EmptySecretFlag_ReportsSecretRequired()
    {
        Assert.Equal(["error: worker secret is required (--worker-secret, WORKER_SECRET env, or config file)"], _harness.Load("--worker-secret=").Errors);
    }

    [Fact]
    public void Load_SecretWithControlCharacter_ReportsWithoutEchoingTheSecret()
    {
        var result = _harness.Load("--worker-secret", "abc\u0001def");

        Assert.Equal(["error: invalid value for --worker-secret (WORKER_SECRET): expected printable ASCII (it is sent as the x-worker-secret header)"], result.Errors);
    }

    [Fact]
    public void Load_NonStringSecretInConfigFile_ReportsOneLineWithoutEchoingTheSecret()
    {
        var path = _harness.WriteToml("worker_secret = 918273645\n");

        var result = _harness.Load("--config", path);

        Assert.Equal([$"error: invalid value for worker_secret in config file {path}: expected a string"], result.Errors);
    }

    [Fact]
    public void Load_MissingConfigFile_ReportsReadFailureWithPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rxrelay-missing-{Guid.NewGuid():N}.toml");

        var error = Assert.Single(_harness.Load("--worker-secret", "s", "--config", path).Errors);

        Assert.StartsWith($"error: failed to read config file {path}: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Load_InvalidToml_ReportsParseFailureWithPathOnOneLine()
    {
        var path = _harness.WriteToml("worker_secret = \"s\"\nmax_concurrency = = 3\n");

        var error = Assert.Single(_harness.Load("--worker-secret", "s", "--config", path).Errors);

        Assert.StartsWith($"error: failed to parse config file {path}: ", error, StringComparison.Ordinal);
        Assert.True(error.Length > $"error: failed to parse config file {path}: ".Length);
        Assert.DoesNotContain('\n', error);
    }

    [Theory]
    [InlineData("--max-concurrency", "abc", "error: invalid value 'abc' for --max-concurrency (MAX_CONCURRENCY): expected a positive integer")]
    [InlineData("--max-concurrency", "0", "error: invalid value '0' for --max-concurrency (MAX_CONCURRENCY): expected a positive integer")]
    [InlineData("--max-concurrency", "-1", "error: invalid value '-1' for --max-concurrency (MAX_CONCURRENCY): expected a positive integer")]
    [InlineData("--max-concurrency", "4294967296", "error: invalid value '4294967296' for --max-concurrency (MAX_CONCURRENCY): expected a positive integer")]
    [InlineData("--idle-timeout-secs", "0", "error: invalid value '0' for --idle-timeout-secs (IDLE_TIMEOUT_SECS): expected a positive number of seconds, at most 4294967")]
    [InlineData("--idle-timeout-secs", "NaN", "error: invalid value 'NaN' for --idle-timeout-secs (IDLE_TIMEOUT_SECS): expected a positive number of seconds, at most 4294967")]
    [InlineData("--shutdown-timeout-secs", "-0.5", "error: invalid value '-0.5' for --shutdown-timeout-secs (SHUTDOWN_TIMEOUT_SECS): expected a number of seconds from 0 to 4294967")]
    [InlineData("--log-level", "verbose", "error: invalid value 'verbose' for --log-level (LOG_LEVEL): expected one of trace, debug, info, warn, error")]
    [InlineData("--provider", "a&b", "error: invalid value 'a&b' for --provider (PROVIDER_NAME): expected a non-empty name of ASCII letters, digits, '.', '_', '~' or '-' (it is sent unencoded in the connect URL's query)")]
    [InlineData("--worker-name", " ", "error: invalid value ' ' for --worker-name (WORKER_NAME): expected a non-empty name")]
    [InlineData("--proxy-url", "ftp://x", "error: invalid value 'ftp://x' for --proxy-url (PROXY_URL): expected an absolute http://, https://, ws:// or wss:// URL with a host and no query, fragment or credentials")]
    [InlineData("--proxy-url", "relay:8080", "error: invalid value 'relay:8080' for --proxy-url (PROXY_URL): expected an absolute http://, https://, ws:// or wss:// URL with a host and no query, fragment or credentials")]
    [InlineData("--proxy-url", "http://relay/?x=1", "error: invalid value 'http://relay/?x=1' for --proxy-url (PROXY_URL): expected an absolute http://, https://, ws:// or wss:// URL with a host and no query, fragment or credentials")]
    [InlineData("--backend-url", "ws://127.0.0.1:8000", "error: invalid value 'ws://127.0.0.1:8000' for --backend-url (BACKEND_URL): expected an absolute http:// or https:// URL with a host and no query, fragment or credentials")]
    [InlineData("--extra-endpoint-paths", "/v1/ok,/v2/x", "error: invalid value '/v2/x' for --extra-endpoint-paths (EXTRA_ENDPOINT_PATHS): expected a path starting with /v1/ made of ASCII letters, digits, '/', '_', '.', '-' without '..' or '//'")]
    [InlineData("--extra-endpoint-paths", "/v1/../admin", "error: invalid value '/v1/../admin' for --extra-endpoint-paths (EXTRA_ENDPOINT_PATHS): expected a path starting with /v1/ made of ASCII letters, digits, '/', '_', '.', '-' without '..' or '//'")]
    [InlineData("--extra-endpoint-paths", "/v1//x", "error: invalid value '/v1//x' for --extra-endpoint-paths (EXTRA_ENDPOINT_PATHS): expected a path starting with /v1/ made of ASCII letters, digits, '/', '_', '.', '-' without '..' or '//'")]
    [InlineData("--extra-endpoint-paths", "/v1/x?y=1", "error: invalid value '/v1/x?y=1' for --extra-endpoint-paths (EXTRA_ENDPOINT_PATHS): expected a path starting with /v1/ made of ASCII letters, digits, '/', '_', '.', '-' without '..' or '//'")]
    public void Load_BadFlagValue_ReportsExactLine(string flag, string value, string expected)
    {
        Assert.Equal([expected], _harness.Load("--worker-secret", "s", $"{flag}={value}").Errors);
    }

    [Fact]
    public void Load_BadEnvValue_ReportsFlagAndEnvName()
    {
        _harness.Environment["MAX_CONCURRENCY"] = "many";

        Assert.Equal(["error: invalid value 'many' for --max-concurrency (MAX_CONCURRENCY): expected a positive integer"], _harness.Load("--worker-secret", "s").Errors);
    }

    [Fact]
    public void Load_BadTomlValues_ReportKeyAndFile()
    {
        var path = _harness.WriteToml("worker_secret = \"s\"\nmax_concurrency = \"4\"\nmodels = \"a,b\"\nidle_timeout_secs = -1\nprovider = 7\n");

        var errors = _harness.Load("--config", path).Errors;

        Assert.Equal(
            [
                $"error: invalid value '7' for provider in config file {path}: expected a string",
                $"error: invalid value 'a,b' for models in config file {path}: expected an array of strings",
                $"error: invalid value '4' for max_concurrency in config file {path}: expected a positive integer",
                $"error: invalid value '-1' for idle_timeout_secs in config file {path}: expected a positive number of seconds, at most 4294967",
            ],
            errors);
    }

    [Theory]
    [InlineData("--foo")]
    [InlineData("--foo=bar")]
    [InlineData("stray")]
    public void Load_UnknownArgument_ReportsUnexpectedArgument(string arg)
    {
        Assert.Equal([$"error: unexpected argument '{arg}'"], _harness.Load("--worker-secret", "s", arg).Errors);
    }

    [Theory]
    [InlineData(new[] { "--worker-secret", "s", "--proxy-url" }, "error: a value is required for '--proxy-url <URL>' but none was supplied")]
    [InlineData(new[] { "--worker-secret", "s", "--config" }, "error: a value is required for '--config <FILE>' but none was supplied")]
    [InlineData(new[] { "--models", "--worker-secret", "s" }, "error: a value is required for '--models <LIST>' but none was supplied")]
    [InlineData(new[] { "--worker-secret", "s", "--provider", "a", "--provider=b" }, "error: the argument '--provider <NAME>' cannot be used multiple times")]
    public void Load_FlagMisused_ReportsClearLine(string[] args, string expected)
    {
        Assert.Equal([expected], _harness.Load(args).Errors);
    }

    [Fact]
    public void Load_SeveralProblems_ReportsAllAtOnceInOrder()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"rxrelay-missing-{Guid.NewGuid():N}.toml");

        var result = _harness.Load("--bogus", "--config", missing, "--max-concurrency", "x", "--log-level=loud", "--backend-url", "nope");

        Assert.Null(result.Options);
        Assert.Equal(6, result.Errors.Count);
        Assert.Equal("error: unexpected argument '--bogus'", result.Errors[0]);
        Assert.StartsWith($"error: failed to read config file {missing}: ", result.Errors[1], StringComparison.Ordinal);
        Assert.Equal(
            [
                "error: worker secret is required (--worker-secret, WORKER_SECRET env, or config file)",
                "error: invalid value 'x' for --max-concurrency (MAX_CONCURRENCY): expected a positive integer",
                "error: invalid value 'nope' for --backend-url (BACKEND_URL): expected an absolute http:// or https:// URL with a host and no query, fragment or credentials",
                "error: invalid value 'loud' for --log-level (LOG_LEVEL): expected one of trace, debug, info, warn, error",
            ],
            result.Errors.Skip(2));
    }
}
