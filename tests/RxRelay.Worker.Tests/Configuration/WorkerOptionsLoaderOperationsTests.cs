using System.Net;
using RxRelay.Protocol.Diagnostics;

namespace RxRelay.Worker.Tests.Configuration;

/// <summary><c>--log-format</c> and <c>--metrics-listen</c>: defaults, each source, and bad values.</summary>
public sealed class WorkerOptionsLoaderOperationsTests : IDisposable
{
    private readonly LoaderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Load_Nothing_TextLogsAndNoMetricsPort()
    {
        var options = _harness.LoadValid("--worker-secret", "s");

        Assert.Equal((LogFormat.Text, (IPEndPoint?)null), (options.LogFormat, options.MetricsListen));
    }

    [Fact]
    public void Load_FlagBeatsEnvBeatsFile_ForBothSettings()
    {
        var file = _harness.WriteToml("log_format = \"text\"\nmetrics_listen = \"127.0.0.1:1111\"\n");
        _harness.Environment["LOG_FORMAT"] = "JSON";
        _harness.Environment["RXRELAY_METRICS_LISTEN"] = "0.0.0.0:2222";

        var fromEnv = _harness.LoadValid("--worker-secret", "s", "--config", file);
        var fromFlag = _harness.LoadValid("--worker-secret", "s", "--config", file, "--log-format=text", "--metrics-listen", "127.0.0.1:9465");

        Assert.Equal((LogFormat.Json, new IPEndPoint(IPAddress.Any, 2222)), (fromEnv.LogFormat, fromEnv.MetricsListen));
        Assert.Equal((LogFormat.Text, new IPEndPoint(IPAddress.Loopback, 9465)), (fromFlag.LogFormat, fromFlag.MetricsListen));
    }

    [Fact]
    public void Load_IPv6Addresses_Accepted()
    {
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Any, 9465), _harness.LoadValid("--worker-secret", "s", "--metrics-listen", "[::]:9465").MetricsListen);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 9465), _harness.LoadValid("--worker-secret", "s", "--metrics-listen", "[::1]:9465").MetricsListen);
    }

    [Theory]
    [InlineData("9465")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("localhost:9465")]
    [InlineData("[::1]")]
    public void Load_BadMetricsListen_OneLineNamingFlagAndEnv(string value)
    {
        var result = _harness.Load("--worker-secret", "s", "--metrics-listen", value);

        Assert.Null(result.Options);
        Assert.Equal(
            [$"error: invalid value '{value}' for --metrics-listen (RXRELAY_METRICS_LISTEN): expected an IP address and a port from 1 to 65535 (0.0.0.0 or [::] for every interface), e.g. 127.0.0.1:9465 or [::1]:9465"],
            result.Errors);
    }

    [Fact]
    public void Load_BadLogFormatInFile_OneLineNamingKeyAndFile()
    {
        var file = _harness.WriteToml("log_format = \"xml\"\n");

        var result = _harness.Load("--worker-secret", "s", "--config", file);

        Assert.Equal([$"error: invalid value 'xml' for log_format in config file {file}: expected one of text, json"], result.Errors);
    }
}
