using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using RxRelay.Proxy.ApiKeys;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Tests.WorkerSockets;

public sealed class WorkerAuthenticatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryApiKeyStore _keys;
    private readonly AuthRateLimiter _limiter;

    public WorkerAuthenticatorTests()
    {
        _keys = new InMemoryApiKeyStore(_time);
        _limiter = new AuthRateLimiter(_time);
    }

    private (ApiKeyRecord Record, string Secret) CreateKey(string name) => _keys.CreateAsync(name, CancellationToken.None).Result;

    private WorkerAuthenticator CreateSut(string? secret = "top-secret", bool allowKeys = false) =>
        new(new ProxyOptions { Provider = "openai", WorkerSecret = secret, AllowApiKeyWorkers = allowKeys }, _keys, _limiter);

    private static WorkerAuthResult Auth(WorkerAuthenticator sut, string? header, string? query, string provider = "openai") =>
        Auth(sut, header, query, provider, out _);

    private static WorkerAuthResult Auth(WorkerAuthenticator sut, string? header, string? query, string provider, out string? tenant)
    {
        var headers = new HeaderDictionary();
        if (header is not null)
        {
            headers["x-worker-secret"] = header;
        }

        var queryValues = new Dictionary<string, StringValues>();
        if (query is not null)
        {
            queryValues["worker_secret"] = query;
        }

        // The in-memory store answers synchronously, so the whole check does.
        var pending = sut.AuthenticateAsync(headers, new QueryCollection(queryValues), provider, ClientIdentity.Unknown, CancellationToken.None);
        Assert.True(pending.IsCompletedSuccessfully);
        (var result, tenant) = pending.IsCompletedSuccessfully ? pending.Result : default;
        return result;
    }

    [Theory]
    [InlineData("top-secret", null, true)]
    [InlineData(null, "top-secret", true)]
    [InlineData("top-secret", "wrong", true)]
    [InlineData("wrong", "top-secret", false)]
    [InlineData(null, null, false)]
    public void Authenticate_HeaderBeforeQuery_AsUpstream(string? header, string? query, bool accepted) =>
        Assert.Equal(accepted ? WorkerAuthResult.Accepted : WorkerAuthResult.Failed, Auth(CreateSut(), header, query));

    [Fact]
    public void Authenticate_MissingSecret_IsNotCountedTowardTheLimit()
    {
        var sut = CreateSut();
        for (var i = 0; i < 5; i++)
        {
            Auth(sut, null, null);
        }

        Assert.Equal(WorkerAuthResult.Accepted, Auth(sut, "top-secret", null));
    }

    [Fact]
    public void Authenticate_ThreeWrongSecrets_EvenRightSecretIsRateLimited()
    {
        var sut = CreateSut();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(WorkerAuthResult.Failed, Auth(sut, "wrong", null));
        }

        Assert.Equal(WorkerAuthResult.RateLimited, Auth(sut, "top-secret", null));
        _time.Advance(AuthRateLimiter.Window);
        Assert.Equal(WorkerAuthResult.Accepted, Auth(sut, "top-secret", null));
    }

    [Fact]
    public void Authenticate_StaticSecretForOtherProvider_Fails() =>
        Assert.Equal(WorkerAuthResult.Failed, Auth(CreateSut(), "top-secret", null, "anthropic"));

    [Theory]
    [InlineData("top-secret", "openai")]
    [InlineData("top-secret", "whatever")]
    [InlineData(null, "whatever")]
    public void Authenticate_ApiKeyWorkersNotAllowed_FailsLikeAWrongSecret(string? staticSecret, string provider)
    {
        var (_, key) = CreateKey("client-key");
        var sut = CreateSut(staticSecret);

        Assert.Equal(WorkerAuthResult.Failed, Auth(sut, key, null, provider));
    }

    [Fact]
    public void Authenticate_ApiKeyWorkersNotAllowed_ValidKeyCountsTowardTheLimit()
    {
        var (_, key) = CreateKey("client-key");
        var sut = CreateSut();
        for (var i = 0; i < 3; i++)
        {
            Auth(sut, key, null);
        }

        Assert.Equal(WorkerAuthResult.RateLimited, Auth(sut, "top-secret", null));
    }

    [Fact]
    public void Authenticate_ApiKeyWorkersAllowed_AcceptedUnderAnyProviderAsThatKeysTenant()
    {
        var (record, key) = CreateKey("worker-key");

        Assert.Equal(WorkerAuthResult.Accepted, Auth(CreateSut(secret: null, allowKeys: true), key, null, "whatever", out var tenant));
        Assert.Equal(record.Id, tenant);
    }

    [Fact]
    public void Authenticate_StaticSecretWithKeysAllowed_SharedWorkerWithoutTenant()
    {
        Assert.Equal(WorkerAuthResult.Accepted, Auth(CreateSut(allowKeys: true), "top-secret", null, "openai", out var tenant));
        Assert.Null(tenant);
    }

    [Fact]
    public async Task Authenticate_RevokedKeyWithKeysAllowed_Fails()
    {
        var (record, key) = CreateKey("worker-key");
        Assert.True(await _keys.RevokeAsync(record.Id, CancellationToken.None));

        Assert.Equal(WorkerAuthResult.Failed, Auth(CreateSut(allowKeys: true), key, null, "openai", out var tenant));
        Assert.Null(tenant);
    }

    [Fact]
    public async Task Authenticate_ApiKeyWorkersNotAllowed_KeyIsNotMarkedUsed()
    {
        var (_, key) = CreateKey("client-key");

        Auth(CreateSut(), key, null);

        Assert.Null(Assert.Single(await _keys.ListAsync(CancellationToken.None)).LastUsedAt);
    }
}
