using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// Forwards a buffered request to a peer replica's listener (<c>POST /peer/v1/forward</c>) over pooled
/// HTTP/1.1 connections and says what became of it (<see cref="PeerOutcome"/>). The caller's token is the
/// only timeout after connecting: cancelling it aborts the connection, which cancels the request on the
/// peer's worker and frees the slot. One instance per process.
/// </summary>
internal sealed class PeerClient : IDisposable
{
    /// <summary>Default of the connect timeout: peers are on a private network, a slow connect means a dead peer.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http;

    /// <summary>Creates the client and its connection pool.</summary>
    /// <param name="connectTimeout">Longest wait for a TCP connection; <see cref="DefaultConnectTimeout"/> when null.</param>
    public PeerClient(TimeSpan? connectTimeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout ?? DefaultConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            // A response given up early closes its connection at once instead of being drained: that close is
            // what cancels the request on the peer's worker.
            MaxResponseDrainSize = 0,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Sends <paramref name="envelope"/> to <paramref name="peer"/> (its base URL) and waits for the answer headers.
    /// Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> fired.
    /// </summary>
    public async Task<PeerOutcome> ForwardAsync(Uri peer, string secret, PeerEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(peer, PeerProtocol.ForwardPath))
        {
            Version = HttpVersion.Version11,
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(envelope, PeerJson.Default.PeerEnvelope)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(PeerProtocol.SecretHeader, secret);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return new PeerOutcome.Unreachable(ex); // a connect timeout surfaces as a cancellation the caller did not ask for
        }

        if (response.Headers.TryGetValues(PeerProtocol.RefusalHeader, out var refusal))
        {
            response.Dispose();
            return new PeerOutcome.Refused(PeerProtocol.Parse(refusal.FirstOrDefault()));
        }

        return new PeerOutcome.Streaming(response);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
