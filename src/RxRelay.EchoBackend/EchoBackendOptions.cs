namespace RxRelay.EchoBackend;

/// <summary>How an echo backend is set up. Immutable once built.</summary>
internal sealed record EchoBackendOptions
{
    /// <summary><c>--listen</c>; default <c>127.0.0.1:8000</c>.</summary>
    public ListenAddress Listen { get; init; } = ListenAddress.Default;

    /// <summary><c>--models</c>; the ids <c>GET /v1/models</c> lists. Requests for any model are answered.</summary>
    public IReadOnlyList<string> Models { get; init; } = ["echo"];

    /// <summary>Source of token delays and <c>created</c> timestamps; tests pass a <c>FakeTimeProvider</c>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
