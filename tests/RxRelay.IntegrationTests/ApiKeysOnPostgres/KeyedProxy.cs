using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RxRelay.IntegrationTests.Proxy;
using RxRelay.Proxy.ApiKeys;
using RxRelay.Proxy.Database;

namespace RxRelay.IntegrationTests.ApiKeysOnPostgres;

/// <summary>
/// A proxy on real Kestrel whose keys live in a real PostgreSQL database, with the admin API on and keys
/// required. No worker and no queue (<c>MaxQueueLength = 0</c>), so a request with a valid key answers
/// 503 at once and one without answers 401 (or 500 when the store cannot tell): the status says what the
/// key check decided.
/// </summary>
internal sealed class KeyedProxy : IAsyncDisposable
{
    public const string AdminToken = "admin-token";

    private readonly HttpClient _client;

    private KeyedProxy(ProxyTestHost host)
    {
        Host = host;
        _client = host.CreateClient();
    }

    public ProxyTestHost Host { get; }

    public static async Task<KeyedProxy> StartAsync(string databaseUrl, ApiKeyCacheOptions? cache = null, FakeLogCollector? logs = null)
    {
        var connectionString = DatabaseUrl.Parse(databaseUrl).Value ?? throw new ArgumentException("bad test URL", nameof(databaseUrl));
        var host = await ProxyTestHost.StartAsync(
            o => o with { DatabaseConnectionString = connectionString, RequireApiKeys = true, AdminToken = AdminToken, MaxQueueLength = 0 },
            logs: logs,
            host: builder =>
            {
                if (cache is not null)
                {
                    builder.Services.AddSingleton(cache);
                }
            });
        return new KeyedProxy(host);
    }

    /// <summary>POST /admin/keys; asserts 201 and returns the body.</summary>
    public async Task<(string Id, string Secret, JsonElement Body)> CreateKeyAsync(string name)
    {
        using var response = await SendAdminAsync(HttpMethod.Post, "/admin/keys", JsonSerializer.Serialize(new { name }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (body.GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!, body);
    }

    /// <summary>GET /admin/keys; asserts 200 and returns the <c>keys</c> array.</summary>
    public async Task<JsonElement[]> ListKeysAsync()
    {
        using var response = await SendAdminAsync(HttpMethod.Get, "/admin/keys");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("keys").EnumerateArray().Select(k => k.Clone())];
    }

    /// <summary>DELETE /admin/keys/{id}; the status.</summary>
    public async Task<HttpStatusCode> RevokeAsync(string id)
    {
        using var response = await SendAdminAsync(HttpMethod.Delete, "/admin/keys/" + Uri.EscapeDataString(id));
        return response.StatusCode;
    }

    /// <summary>A chat request with <paramref name="secret"/> as the bearer key: 503 = accepted (no worker), 401 = refused, 500 = store unavailable.</summary>
    public async Task<(HttpStatusCode Status, string Body)> UseAsync(string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"m","messages":[]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + secret);
        using var response = await _client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls <see cref="UseAsync"/> until it answers <paramref name="status"/>; returns how long that took.</summary>
    public async Task<TimeSpan> TimeUntilAsync(string secret, HttpStatusCode status, TimeSpan bound)
    {
        var started = TimeProvider.System.GetTimestamp();
        while ((await UseAsync(secret)).Status != status)
        {
            var elapsed = TimeProvider.System.GetElapsedTime(started);
            Assert.True(elapsed < bound, $"no {(int)status} within {bound.TotalSeconds} s");
            await Task.Delay(20);
        }

        return TimeProvider.System.GetElapsedTime(started);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await Host.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAdminAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await _client.SendAsync(request);
    }
}
