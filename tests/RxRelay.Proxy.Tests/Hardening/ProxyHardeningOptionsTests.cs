using System.Net;
using RxRelay.Proxy.Configuration;

namespace RxRelay.Proxy.Tests.Hardening;

public sealed class ProxyHardeningOptionsTests
{
    private static ProxyOptionsParseResult Parse(string[] args, Dictionary<string, string>? env = null) =>
        ProxyOptionsParser.Parse(args, name => env is not null && env.TryGetValue(name, out var v) ? v : null);

    [Fact]
    public void Parse_Nothing_MaxWorkers1024AndNoTrustedProxies()
    {
        var options = Parse([]).Options!;

        Assert.Equal(1024, options.MaxWorkers);
        Assert.Empty(options.TrustedProxies);
    }

    [Fact]
    public void Parse_FlagsAndEnvironment_Applied()
    {
        var options = Parse(["--max-workers", "8"], new() { ["RXRELAY_TRUSTED_PROXIES"] = "10.0.0.0/8, 192.0.2.7,fd00::/8" }).Options!;

        Assert.Equal(8, options.MaxWorkers);
        Assert.Equal([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("192.0.2.7/32"), IPNetwork.Parse("fd00::/8")], options.TrustedProxies);
    }

    [Fact]
    public void Parse_BadValues_EveryProblemReported()
    {
        var result = Parse(["--max-workers", "0", "--trusted-proxies", "10.0.0.0/8,nope,10.0.0.1/99"]);

        Assert.Null(result.Options);
        Assert.Equal(
            [
                "error: invalid value for --max-workers / RXRELAY_MAX_WORKERS (from --max-workers): '0' is not a positive integer",
                "error: invalid value for --trusted-proxies / RXRELAY_TRUSTED_PROXIES (from --trusted-proxies): 'nope', '10.0.0.1/99' are not CIDRs like 10.0.0.0/8 or an IP address",
            ],
            result.Errors);
    }

    [Fact]
    public void HelpText_NamesTheNewFlags()
    {
        var help = ProxyOptionsParser.HelpText();

        Assert.Contains("--max-workers <VALUE>", help, StringComparison.Ordinal);
        Assert.Contains("[env: RXRELAY_MAX_WORKERS]", help, StringComparison.Ordinal);
        Assert.Contains("--trusted-proxies <VALUE>", help, StringComparison.Ordinal);
        Assert.Contains("[env: RXRELAY_TRUSTED_PROXIES]", help, StringComparison.Ordinal);
    }
}
