using RxRelay.Worker.Connection;

namespace RxRelay.Worker.Tests.Connection;

/// <summary>
/// Upstream worker unit tests 1–5 (docs/differences-from-upstream.md#upstream-tests-unit) plus the
/// raw-provider rule.
/// </summary>
public sealed class ProxyUrlTests
{
    [Fact]
    public void ForWorker_HttpScheme_BecomesWs()
        => Assert.Equal(
            "ws://proxy.local:8080/v1/worker/connect?provider=test-provider",
            ProxyUrl.ForWorker("http://proxy.local:8080", "test-provider"));

    [Fact]
    public void ForWorker_HttpsScheme_BecomesWss()
        => Assert.Equal(
            "wss://proxy.local/v1/worker/connect?provider=test-provider",
            ProxyUrl.ForWorker("https://proxy.local", "test-provider"));

    [Fact]
    public void ForWorker_OneTrailingSlash_IsStripped()
        => Assert.Equal(
            "ws://proxy.local:8080/v1/worker/connect?provider=test-provider",
            ProxyUrl.ForWorker("http://proxy.local:8080/", "test-provider"));

    [Fact]
    public void ForWorker_SeveralTrailingSlashes_AreAllStripped()
        => Assert.Equal(
            "wss://proxy.local/v1/worker/connect?provider=test-provider",
            ProxyUrl.ForWorker("https://proxy.local///", "test-provider"));

    [Fact]
    public void ForWorker_WsScheme_IsKept()
        => Assert.Equal(
            "ws://already-ws.local/v1/worker/connect?provider=test-provider",
            ProxyUrl.ForWorker("ws://already-ws.local", "test-provider"));

    [Fact]
    public void ForWorker_OtherScheme_IsKeptUnchanged()
        => Assert.Equal(
            "ftp://odd.local/v1/worker/connect?provider=p",
            ProxyUrl.ForWorker("ftp://odd.local", "p"));

    [Fact]
    public void ForWorker_ProviderWithReservedCharacters_IsPlacedRaw()
        => Assert.Equal(
            "ws://p.local/v1/worker/connect?provider=a b&c",
            ProxyUrl.ForWorker("http://p.local", "a b&c"));

    [Fact]
    public void ForWorker_BaseWithPath_KeepsThePath()
        => Assert.Equal(
            "wss://p.local/relay/v1/worker/connect?provider=openai",
            ProxyUrl.ForWorker("https://p.local/relay/", "openai"));
}
