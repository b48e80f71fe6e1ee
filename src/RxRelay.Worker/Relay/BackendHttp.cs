using System.Net;
using RxRelay.Worker.Configuration;

namespace RxRelay.Worker.Relay;

/// <summary>
/// The worker's one HTTP client to its backend, shared by every session (a singleton, so connections
/// are pooled across reconnects). It owns its <see cref="SocketsHttpHandler"/> rather than going through
/// <c>IHttpClientFactory</c>: the relay needs handler settings no named client defaults give, and one
/// long-lived handler is what the factory would hand out anyway.
/// </summary>
internal sealed class BackendHttp : IDisposable
{
    /// <summary>How long a TCP connect to the backend may take; an unreachable backend fails fast.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly string _baseUrl;

    public BackendHttp(WorkerOptions options)
        : this(options?.BackendUrl ?? throw new ArgumentNullException(nameof(options)), CreateHandler())
    {
    }

    /// <summary>For tests: a given handler (the client takes ownership).</summary>
    public BackendHttp(string backendUrl, HttpMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(backendUrl);
        _baseUrl = backendUrl.TrimEnd('/');
        // No overall timeout: a stream may run for many minutes; cancel and dispose end calls instead.
        Client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The client; every call passes its own cancellation token.</summary>
    public HttpClient Client { get; }

    /// <summary>
    /// <c>{backend_url without trailing '/'}{path}</c>, the upstream join (docs/differences-from-upstream.md#upstream-tests-unit,
    /// worker tests 6–9): an empty path gives the base alone. Callers check the path against the allowlist first.
    /// </summary>
    public Uri UriFor(string path) => new(Join(_baseUrl, path), UriKind.Absolute);

    /// <summary>The string join behind <see cref="UriFor"/>.</summary>
    public static string Join(string baseUrl, string path)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return baseUrl.TrimEnd('/') + path;
    }

    /// <summary>The handler settings the relay depends on.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        // The client's accept-encoding is replaced by ours and bodies are decompressed here, so a
        // compressing backend can never hand the relay bytes it cannot decode as text (docs/differences-from-upstream.md#worker-stream-decoding).
        AutomaticDecompression = DecompressionMethods.All,
        ConnectTimeout = ConnectTimeout,
        AllowAutoRedirect = false,
        // Cookies of one client's answer must never ride along on another client's request.
        UseCookies = false,
        // The backend is local; an HTTP_PROXY meant for the internet must not intercept it.
        UseProxy = false,
        // Disposing an unfinished response (a cancelled request) would otherwise try to drain up to
        // 1 MiB for up to 2 s to reuse the connection, so the backend kept generating for a client that
        // is gone. Zero makes cancel close the backend connection at once.
        MaxResponseDrainSize = 0,
    };

    public void Dispose() => Client.Dispose();
}
