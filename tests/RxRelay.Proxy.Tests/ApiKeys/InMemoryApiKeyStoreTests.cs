using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using RxRelay.Proxy.ApiKeys;

namespace RxRelay.Proxy.Tests.ApiKeys;

public sealed partial class InMemoryApiKeyStoreTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_775_000_000));

    private InMemoryApiKeyStore CreateSut() => new(_time);

    [GeneratedRegex("^mr_live_[A-Za-z0-9]{32}$")]
    private static partial Regex KeyShape();

    [Fact]
    public async Task Create_NewKey_HasUpstreamShapeAndMetadata()
    {
        var (record, secret) = await CreateSut().CreateAsync("test-key", CancellationToken.None);

        Assert.Matches(KeyShape(), secret);
        Assert.Equal(secret[..16], record.Prefix);
        Assert.Equal("test-key", record.Name);
        Assert.Equal(1_775_000_000, record.CreatedAt);
        Assert.Null(record.LastUsedAt);
        Assert.False(record.Revoked);
        Assert.True(Guid.TryParseExact(record.Id, "D", out _));
    }

    [Fact]
    public async Task Authenticate_LiveKey_SucceedsAndRecordsLastUse()
    {
        var sut = CreateSut();
        var (record, secret) = await sut.CreateAsync("k", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(42));

        Assert.Equal(ApiKeyLookup.Valid(record.Id), await sut.AuthenticateAsync(secret, CancellationToken.None));

        Assert.Equal(1_775_000_042, (await sut.ListAsync(CancellationToken.None)).Single().LastUsedAt);
    }

    [Fact]
    public async Task Authenticate_UnknownOrRevokedKey_Fails()
    {
        var sut = CreateSut();
        var none = CancellationToken.None;
        var (record, secret) = await sut.CreateAsync("k", none);
        Assert.Equal(ApiKeyLookup.Invalid, await sut.AuthenticateAsync("mr_live_invalid_key_here", none));

        Assert.True(await sut.RevokeAsync(record.Id, none));

        Assert.Equal(ApiKeyLookup.Invalid, await sut.AuthenticateAsync(secret, none));
        Assert.True(await sut.RevokeAsync(record.Id, none)); // upstream's memory store answers 204 twice
        Assert.False(await sut.RevokeAsync("nonexistent-id", none));
    }

    [Fact]
    public async Task List_TwoKeys_InCreationOrder()
    {
        var sut = CreateSut();
        await sut.CreateAsync("first", CancellationToken.None);
        await sut.CreateAsync("second", CancellationToken.None);

        Assert.Equal(["first", "second"], (await sut.ListAsync(CancellationToken.None)).Select(k => k.Name));
    }
}
