using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Tests.Relay;

public sealed class EndpointAllowlistTests
{
    private static EndpointAllowlist CreateSut(params string[] extra) => new(extra);

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/responses")]
    [InlineData("/v1/messages")]
    public void IsAllowed_BuiltInInferencePath_True(string path)
        => Assert.True(CreateSut().IsAllowed(path));

    [Fact]
    public void IsAllowed_ConfiguredExtraPath_True()
        => Assert.True(CreateSut("/v1/completions").IsAllowed("/v1/completions"));

    [Theory]
    [InlineData("/admin")]
    [InlineData("/v1/models")]
    [InlineData("/v1/chat/completions/../x")]
    [InlineData("@evil.com/v1/chat/completions")]
    [InlineData("//evil.com/x")]
    [InlineData("/v1/chat/completions?x=1")]
    [InlineData("/v1/chat/completions#x")]
    [InlineData("\\v1\\chat\\completions")]
    [InlineData("/v1/chat/completions/")]
    [InlineData("/V1/chat/completions")]
    [InlineData("v1/chat/completions")]
    [InlineData("")]
    [InlineData(null)]
    public void IsAllowed_AnythingElse_False(string? path)
        => Assert.False(CreateSut().IsAllowed(path));

    [Theory]
    [InlineData("/v1/x/../admin")]
    [InlineData("/v1//x")]
    [InlineData("/v1/x@y")]
    [InlineData("/v1/%2e%2e/admin")]
    [InlineData("/v1/x y")]
    [InlineData("relative")]
    public void Constructor_IllFormedExtraPath_IsNotAllowed(string path)
        => Assert.False(CreateSut(path).IsAllowed(path));

    [Fact]
    public void Paths_BuiltInsAndExtras_ListedOnce()
        => Assert.Equal(
            ["/v1/chat/completions", "/v1/completions", "/v1/messages", "/v1/responses"],
            CreateSut("/v1/completions", "/v1/messages").Paths.Order(StringComparer.Ordinal));
}
