using RxRelay.Proxy.Configuration;

namespace RxRelay.Proxy.Tests.Configuration;

/// <summary><c>--allow-api-key-workers</c> / <c>RXRELAY_ALLOW_API_KEY_WORKERS</c> (issue 12 item 1): off unless asked for.</summary>
public sealed class AllowApiKeyWorkersOptionTests
{
    private static ProxyOptionsParseResult Parse(string[] args, Dictionary<string, string>? env = null) =>
        ProxyOptionsParser.Parse(args, name => env?.GetValueOrDefault(name));

    [Fact]
    public void Parse_Nothing_ApiKeyWorkersOff() =>
        Assert.False(Parse([]).Options!.AllowApiKeyWorkers);

    [Fact]
    public void Parse_Flag_TurnsThemOnAndTakesNoValue()
    {
        Assert.True(Parse(["--allow-api-key-workers"]).Options!.AllowApiKeyWorkers);
        Assert.Equal(
            ["error: --allow-api-key-workers / RXRELAY_ALLOW_API_KEY_WORKERS takes no value on the command line (got 'true')"],
            Parse(["--allow-api-key-workers=true"]).Errors);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Parse_Environment_TakesTrueOrFalse(string raw, bool expected) =>
        Assert.Equal(expected, Parse([], new() { ["RXRELAY_ALLOW_API_KEY_WORKERS"] = raw }).Options!.AllowApiKeyWorkers);

    [Fact]
    public void Parse_EnvironmentNotBoolean_IsAnError() =>
        Assert.Equal(
            ["error: invalid value for --allow-api-key-workers / RXRELAY_ALLOW_API_KEY_WORKERS (from RXRELAY_ALLOW_API_KEY_WORKERS): '1' is not 'true' or 'false'"],
            Parse([], new() { ["RXRELAY_ALLOW_API_KEY_WORKERS"] = "1" }).Errors);

    [Fact]
    public void HelpText_ListsTheFlagAndItsEnvironmentVariable() =>
        Assert.Contains(
            "  --allow-api-key-workers            Opt in: a client API key may register a worker, which serves only that key's requests (env: true/false) [env: RXRELAY_ALLOW_API_KEY_WORKERS]\n",
            ProxyOptionsParser.HelpText(), StringComparison.Ordinal);
}
