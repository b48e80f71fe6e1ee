using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using RxRelay.IntegrationTests.Proxy;

namespace RxRelay.IntegrationTests.ProxyHardening;

/// <summary>
/// Credential guessing: wrong admin tokens and client API keys are limited per address, and logged once per
/// window.
/// </summary>
public sealed class CredentialGuessTests
{
    [Fact]
    public async Task Admin_WrongTokensFromOneAddress_ThatAddressGets429_AnotherStillGets200()
    {
        var logs = new FakeLogCollector();
        await using var proxy = await ProxyTestHost.StartAsync(o => o with { AdminToken = "adm" }, new FakeTimeProvider(DateTimeOffset.UtcNow), logs);
        using var attacker = Client(proxy, HostileClients.Attacker);
        using var operatorClient = Client(proxy, IPAddress.Loopback);

        var attempts = new List<HttpStatusCode>();
        foreach (var token in new[] { "a", "b", "c", "adm" })
        {
            attempts.Add(await GetAsync(attacker, "/admin/stats", token));
        }

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests], attempts);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(operatorClient, "/admin/stats", "adm"));
        var line = Assert.Single(logs.Lines, l => l.EventId is 300 or 301);
        Assert.Equal("admin authentication failed client=127.0.0.2 suppressed=0 (failures of this client not logged in the previous 10s window)", line.Message);
    }

    [Fact]
    public async Task ClientKeys_WrongKeysFromOneAddress_Then429_OtherAddressStillGets401()
    {
        await using var proxy = await ProxyTestHost.StartAsync(o => o with { RequireApiKeys = true }, new FakeTimeProvider(DateTimeOffset.UtcNow));
        using var attacker = Client(proxy, HostileClients.Attacker);
        using var other = Client(proxy, IPAddress.Loopback);

        var attempts = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            attempts.Add(await PostAsync(attacker, "mr_live_guess" + i));
        }

        Assert.Equal(
            [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
            attempts);
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(other, "mr_live_other"));
    }

    private static HttpClient Client(ProxyTestHost proxy, IPAddress source) =>
        new(HostileClients.From(source)) { BaseAddress = proxy.HttpBase, Timeout = TimeSpan.FromSeconds(20) };

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(Wire.ChatBody(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
