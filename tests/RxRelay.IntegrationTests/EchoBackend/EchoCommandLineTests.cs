using System.Net;
using RxRelay.EchoBackend;

namespace RxRelay.IntegrationTests.EchoBackend;

public sealed class EchoCommandLineTests
{
    [Theory]
    [InlineData("127.0.0.1:8000", "127.0.0.1", 8000)]
    [InlineData("0.0.0.0:0", "0.0.0.0", 0)]
    [InlineData("localhost:9000", "127.0.0.1", 9000)]
    [InlineData("[::1]:65535", "::1", 65535)]
    public void TryParse_ValidListen_GivesAddressAndPort(string value, string address, int port)
    {
        Assert.Equal(new ListenAddress(IPAddress.Parse(address), port), ListenAddress.TryParse(value));
    }

    [Theory]
    [InlineData("8000")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData(":8000")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("::1:80")]
    [InlineData("example.com:80")]
    public void TryParse_InvalidListen_GivesNull(string value)
    {
        Assert.Null(ListenAddress.TryParse(value));
    }

    [Fact]
    public void Parse_NoFlags_GivesDefaults()
    {
        var (options, error, help) = EchoCommandLine.Parse([]);

        Assert.Equal(ListenAddress.Default, options!.Listen);
        Assert.Equal(["echo"], options.Models);
        Assert.Null(error);
        Assert.False(help);
    }

    [Fact]
    public void Parse_ListenAndModelsInBothForms_AreUsed()
    {
        var (options, _, _) = EchoCommandLine.Parse(["--listen", "127.0.0.1:0", "--models= a, ,b "]);

        Assert.Equal(ListenAddress.LoopbackAnyPort, options!.Listen);
        Assert.Equal(["a", "b"], options.Models);
    }

    [Theory]
    [InlineData(new[] { "--port", "1" }, "error: unexpected argument '--port'")]
    [InlineData(new[] { "--listen" }, "error: a value is required for '--listen' but none was supplied")]
    [InlineData(new[] { "--listen", "nowhere" }, "error: invalid value 'nowhere' for --listen: " + ListenAddress.Expectation)]
    [InlineData(new[] { "--models", "," }, "error: invalid value ',' for --models: expected at least one model id")]
    public void Parse_BadFlags_GivesOneLineError(string[] args, string expected)
    {
        var (options, error, _) = EchoCommandLine.Parse(args);

        Assert.Null(options);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Parse_Help_AsksForUsageWithoutOptionsOrError(string flag)
    {
        var (options, error, help) = EchoCommandLine.Parse([flag]);

        Assert.True(help);
        Assert.Null(options);
        Assert.Null(error);
    }

    [Fact]
    public async Task StartAsync_PortZero_ReportsTheBoundLoopbackPort()
    {
        await using var echo = await EchoBackendApp.StartAsync(new EchoBackendOptions { Listen = ListenAddress.LoopbackAnyPort });

        Assert.Equal("127.0.0.1", echo.BaseAddress.Host);
        Assert.NotEqual(0, echo.BaseAddress.Port);
    }
}
