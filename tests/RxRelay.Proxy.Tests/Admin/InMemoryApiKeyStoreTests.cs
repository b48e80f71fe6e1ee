using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using RxRelay.Proxy.Admin;

namespace RxRelay.Proxy.Tests.Admin;

public sealed partial class InMemoryApiKeyStoreTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_775_000_000));

    private InMemoryApiKeyStore CreateSut() => new(_time);

    [GeneratedRegex("^mr_live_[A-Za-z0-9]{32}$")]
    private static partial Regex KeyShape();

    [Fact]
    public void Create_NewKey_HasUpstreamShapeAndMetadata()
    {
        var (record, secret) = CreateSut().Create("test-key");

        Assert.Matches(KeyShape(), secret);
        Assert.Equal(secret[..16], record.Prefix);
        Assert.Equal("test-key", record.Name);
        Assert.Equal(1_775_000_000, record.CreatedAt);
        Assert.Null(record.LastUsedAt);
        Assert.False(record.Revoked);
        Assert.True(Guid.TryParseExact(record.Id, "D", out _));
    }

    [Fact]
    public void Validate_LiveKey_SucceedsAndRecordsLastUse()
    {
        var sut = CreateSut();
        var (_, secret) = sut.Create("k");
        _time.Advance(TimeSpan.FromSeconds(42));

        Assert.True(sut.Validate(secret));

        Assert.Equal(1_775_000_042, sut.List().Single().LastUsedAt);
    }

    [Fact]
    public void Validate_UnknownOrRevokedKey_Fails()
    {
        var sut = CreateSut();
        var (record, secret) = sut.Create("k");
        Assert.False(sut.Validate("mr_live_invalid_key_here"));

        Assert.True(sut.Revoke(record.Id));

        Assert.False(sut.Validate(secret));
        Assert.True(sut.Revoke(record.Id)); // upstream's memory store answers 204 twice
        Assert.False(sut.Revoke("nonexistent-id"));
    }

    [Fact]
    public void List_TwoKeys_InCreationOrder()
    {
        var sut = CreateSut();
        sut.Create("first");
        sut.Create("second");

        Assert.Equal(["first", "second"], sut.List().Select(k => k.Name));
    }
}
