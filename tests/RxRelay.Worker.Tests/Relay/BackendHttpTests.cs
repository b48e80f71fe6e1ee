using System.Net;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Tests.Relay;

/// <summary>
/// Upstream worker unit tests 6–9 (backend URL joining,
/// docs/differences-from-upstream.md#upstream-tests-unit) and the handler settings the relay relies on.
/// </summary>
public sealed class BackendHttpTests
{
    [Fact]
    public void Join_BaseAndPath_Concatenated()
        => Assert.Equal("http://127.0.0.1:8000/v1/chat/completions", BackendHttp.Join("http://127.0.0.1:8000", "/v1/chat/completions"));

    [Fact]
    public void Join_TrailingSlashOnBase_SingleSlash()
        => Assert.Equal("http://127.0.0.1:11434/v1/models", BackendHttp.Join("http://127.0.0.1:11434/", "/v1/models"));

    [Fact]
    public void Join_SubpathBase_Kept()
        => Assert.Equal("http://127.0.0.1:8000/api/v2/chat", BackendHttp.Join("http://127.0.0.1:8000/api/v2/", "/chat"));

    [Fact]
    public void Join_EmptyPath_BaseWithoutTrailingSlash()
        => Assert.Equal("http://127.0.0.1:8000", BackendHttp.Join("http://127.0.0.1:8000/", string.Empty));

    [Fact]
    public void UriFor_ConfiguredBaseWithSlashes_JoinsOnce()
    {
        using var backend = new BackendHttp("http://127.0.0.1:8000///", new HttpClientHandler());
        Assert.Equal(new Uri("http://127.0.0.1:8000/v1/messages"), backend.UriFor("/v1/messages"));
    }

    [Fact]
    public void CreateHandler_Settings_DecompressNoRedirectNoCookiesNoProxyFastConnect()
    {
        using var handler = BackendHttp.CreateHandler();
        Assert.Equal(DecompressionMethods.All, handler.AutomaticDecompression);
        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseCookies);
        Assert.False(handler.UseProxy);
        Assert.Equal(TimeSpan.FromSeconds(10), handler.ConnectTimeout);
    }

    [Fact]
    public void Client_NoOverallTimeout()
    {
        using var backend = new BackendHttp("http://127.0.0.1:8000", new HttpClientHandler());
        Assert.Equal(Timeout.InfiniteTimeSpan, backend.Client.Timeout);
    }
}
