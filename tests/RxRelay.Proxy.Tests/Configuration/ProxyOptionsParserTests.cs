using RxRelay.Proxy.Configuration;

namespace RxRelay.Proxy.Tests.Configuration;

public sealed class ProxyOptionsParserTests
{
    private static ProxyOptionsParseResult Parse(string[] args, Dictionary<string, string>? env = null) =>
        ProxyOptionsParser.Parse(args, name => env is not null && env.TryGetValue(name, out var v) ? v : null);

    [Fact]
    public void Parse_NothingGiven_ReturnsUpstreamDefaults()
    {
        var options = Parse([]).Options!;

        Assert.Equal(new ProxyOptions(), options);
        Assert.Equal("127.0.0.1:8080", options.Listen);
        Assert.Equal("local", options.Provider);
        Assert.Null(options.WorkerSecret);
        Assert.Equal(100, options.MaxQueueLength);
        Assert.Equal(TimeSpan.FromSeconds(30), options.QueueTimeout);
        Assert.Equal(TimeSpan.FromSeconds(300), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.HeartbeatTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ShutdownTimeout);
        Assert.False(options.RequireApiKeys);
    }

    [Fact]
    public void Parse_FlagAndEnvironment_FlagWins()
    {
        var options = Parse(["--provider", "openai"], new() { ["PROVIDER_NAME"] = "anthropic", ["WORKER_SECRET"] = "top-secret" }).Options!;

        Assert.Equal("openai", options.Provider);
        Assert.Equal("top-secret", options.WorkerSecret);
    }

    [Fact]
    public void Parse_EveryEnvironmentVariable_IsApplied()
    {
        var env = new Dictionary<string, string>
        {
            ["LISTEN_ADDR"] = "0.0.0.0:9000", ["PROVIDER_NAME"] = "openai", ["WORKER_SECRET"] = "s", ["MAX_QUEUE_LEN"] = "0",
            ["QUEUE_TIMEOUT_SECS"] = "0", ["REQUEST_TIMEOUT_SECS"] = "12", ["LOG_LEVEL"] = "DEBUG",
            ["MODELRELAY_ADMIN_TOKEN"] = "adm", ["MODELRELAY_REQUIRE_API_KEYS"] = "true",
            ["HEARTBEAT_INTERVAL_SECS"] = "0.1", ["HEARTBEAT_TIMEOUT_SECS"] = "0.3", ["SHUTDOWN_TIMEOUT_SECS"] = "2.5",
        };

        var options = Parse([], env).Options!;

        Assert.Equal(
            new ProxyOptions
            {
                Listen = "0.0.0.0:9000", Provider = "openai", WorkerSecret = "s", MaxQueueLength = null, QueueTimeout = TimeSpan.Zero,
                RequestTimeout = TimeSpan.FromSeconds(12), LogLevel = "debug", AdminToken = "adm", RequireApiKeys = true,
                HeartbeatInterval = TimeSpan.FromMilliseconds(100), HeartbeatTimeout = TimeSpan.FromMilliseconds(300),
                ShutdownTimeout = TimeSpan.FromSeconds(2.5),
            },
            options);
    }

    [Fact]
    public void Parse_InlineEqualsForm_IsAccepted()
    {
        var options = Parse(["--listen=127.0.0.1:0", "--queue-timeout=1.5"]).Options!;

        Assert.Equal("127.0.0.1:0", options.Listen);
        Assert.Equal(TimeSpan.FromSeconds(1.5), options.QueueTimeout);
    }

    [Fact]
    public void Parse_BadValues_ReportsEveryProblemNamingFlagAndEnvironmentVariable()
    {
        var result = Parse(["--max-queue-len", "-1", "--listen", "nowhere"], new() { ["HEARTBEAT_INTERVAL_SECS"] = "0", ["LOG_LEVEL"] = "loud" });

        Assert.Null(result.Options);
        Assert.Equal(
            [
                "error: invalid value for --listen / LISTEN_ADDR (from --listen): 'nowhere' is not a socket address like 127.0.0.1:8080",
                "error: invalid value for --max-queue-len / MAX_QUEUE_LEN (from --max-queue-len): '-1' is not a non-negative integer",
                "error: invalid value for --log-level / LOG_LEVEL (from LOG_LEVEL): 'loud' is not one of trace, debug, info, warn, error, off",
                "error: invalid value for --heartbeat-interval-secs / HEARTBEAT_INTERVAL_SECS (from HEARTBEAT_INTERVAL_SECS): '0' must be greater than 0 seconds",
            ],
            result.Errors);
    }

    [Theory]
    [InlineData("--queue-timeout", "QUEUE_TIMEOUT_SECS")]
    [InlineData("--request-timeout", "REQUEST_TIMEOUT_SECS")]
    [InlineData("--heartbeat-interval-secs", "HEARTBEAT_INTERVAL_SECS")]
    [InlineData("--heartbeat-timeout-secs", "HEARTBEAT_TIMEOUT_SECS")]
    [InlineData("--shutdown-timeout-secs", "SHUTDOWN_TIMEOUT_SECS")]
    public void Parse_DurationBeyondTimerRange_IsAnErrorNotA500Later(string flag, string env)
    {
        // 5 000 000 s (58 days) is past what .NET timers take (2^32-2 ms, 49.7 days): accepted, it made every
        // inference request throw in CancelAfter (500) and the queue timer throw inside the dispatcher.
        Assert.Equal(
            [$"error: invalid value for {flag} / {env} (from {flag}): '5000000' is more than 4000000 seconds (about 46 days)"],
            Parse([flag, "5000000"]).Errors);
    }

    [Fact]
    public void Parse_LargestDuration_IsUsableByTimersWithTheShutdownSlack()
    {
        var options = Parse(["--request-timeout", "4000000", "--shutdown-timeout-secs", "4000000"]).Options!;
        using var cts = new CancellationTokenSource();

        cts.CancelAfter(options.RequestTimeout);
        cts.CancelAfter(options.ShutdownTimeout + TimeSpan.FromSeconds(11)); // the host's stop budget adds slack

        Assert.Equal(TimeSpan.FromSeconds(4_000_000), options.ShutdownTimeout);
    }

    [Fact]
    public void Parse_RequireApiKeysFlag_TakesNoValue()
    {
        Assert.True(Parse(["--require-api-keys"]).Options!.RequireApiKeys);
        Assert.Equal(
            ["error: --require-api-keys / MODELRELAY_REQUIRE_API_KEYS takes no value on the command line (got 'true')"],
            Parse(["--require-api-keys=true"]).Errors);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Parse_RequireApiKeysEnvironment_TakesTrueOrFalse(string raw, bool expected) =>
        Assert.Equal(expected, Parse([], new() { ["MODELRELAY_REQUIRE_API_KEYS"] = raw }).Options!.RequireApiKeys);

    [Fact]
    public void Parse_RequireApiKeysEnvironmentNotBoolean_IsAnError() =>
        Assert.Equal(
            ["error: invalid value for --require-api-keys / MODELRELAY_REQUIRE_API_KEYS (from MODELRELAY_REQUIRE_API_KEYS): 'yes' is not 'true' or 'false'"],
            Parse([], new() { ["MODELRELAY_REQUIRE_API_KEYS"] = "yes" }).Errors);

    [Fact]
    public void Parse_UnknownArgumentAndMissingValue_AreErrors() =>
        Assert.Equal(
            ["error: unexpected argument '--bogus' (see --help)", "error: a value is required for --provider / PROVIDER_NAME but none was supplied"],
            Parse(["--bogus", "--provider"]).Errors);

    [Fact]
    public void Parse_Help_RequestsHelpAndListsEveryEnvironmentVariable()
    {
        Assert.True(Parse(["--help"]).HelpRequested);
        var help = ProxyOptionsParser.HelpText();
        foreach (var env in new[] { "LISTEN_ADDR", "PROVIDER_NAME", "WORKER_SECRET", "MAX_QUEUE_LEN", "QUEUE_TIMEOUT_SECS", "REQUEST_TIMEOUT_SECS", "LOG_LEVEL", "MODELRELAY_ADMIN_TOKEN", "MODELRELAY_REQUIRE_API_KEYS", "HEARTBEAT_INTERVAL_SECS", "HEARTBEAT_TIMEOUT_SECS", "SHUTDOWN_TIMEOUT_SECS" })
        {
            Assert.Contains($"[env: {env}]", help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_EmptyEnvironmentVariable_CountsAsUnset() =>
        Assert.Null(Parse([], new() { ["WORKER_SECRET"] = "" }).Options!.WorkerSecret);
}
