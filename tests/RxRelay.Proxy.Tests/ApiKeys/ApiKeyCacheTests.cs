using Microsoft.Extensions.Time.Testing;
using RxRelay.Proxy.ApiKeys;

namespace RxRelay.Proxy.Tests.ApiKeys;

/// <summary>The database store's cache rules in virtual time (docs/protocol.md#http-api-keys-database).</summary>
public sealed class ApiKeyCacheTests
{
    private const string Hash = "AA";
    private const string Id = "11111111-1111-1111-1111-111111111111";
    private readonly FakeTimeProvider _time = new();
    private readonly ApiKeyCacheOptions _options = new() { Capacity = 3 };

    private ApiKeyCache CreateSut() => new(_options, _time);

    [Fact]
    public void ValidKey_IsTrustedForSixtySeconds_ThenStale()
    {
        var sut = CreateSut();
        sut.RememberValid(Hash, Id, sut.Generation);

        _time.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromTicks(1));
        Assert.Equal((CachedKeyState.Valid, Id), sut.Lookup(Hash));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal((CachedKeyState.Stale, Id), sut.Lookup(Hash));
    }

    [Fact]
    public void RefusedSecret_IsRefusedForFiveSeconds_ThenAskedAgain()
    {
        var sut = CreateSut();
        sut.RememberInvalid(Hash, sut.Generation);

        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Equal((CachedKeyState.Invalid, null), sut.Lookup(Hash));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal((CachedKeyState.Miss, null), sut.Lookup(Hash));
        Assert.Equal(0, sut.InvalidCount);
    }

    [Fact]
    public void AnswerFromBeforeAChange_IsNotRemembered()
    {
        var sut = CreateSut();
        var before = sut.Generation;
        sut.Forget(Id, Hash); // a revocation arrived while the query was out

        sut.RememberValid(Hash, Id, before);
        sut.RememberInvalid("BB", before);

        Assert.Equal((CachedKeyState.Miss, null), sut.Lookup(Hash));
        Assert.Equal((CachedKeyState.Miss, null), sut.Lookup("BB"));
    }

    [Fact]
    public void Forget_ById_DropsTheKey_AndByHash_DropsARefusal()
    {
        var sut = CreateSut();
        sut.RememberValid(Hash, Id, sut.Generation);
        sut.RememberInvalid("BB", sut.Generation);

        sut.Forget(Id, null);
        sut.Forget(null, "BB");

        Assert.Equal((CachedKeyState.Miss, null), sut.Lookup(Hash));
        Assert.Equal((CachedKeyState.Miss, null), sut.Lookup("BB"));
    }

    [Fact]
    public void Added_DropsARefusalOfItsHash_KeepsALiveKey_AndVoidsAnswersFromBefore()
    {
        var sut = CreateSut();
        sut.RememberValid(Hash, Id, sut.Generation); // the creating proxy cached its new key before its announcement came
        sut.RememberInvalid("BB", sut.Generation);
        var before = sut.Generation;

        sut.Added(Hash);
        sut.Added("BB");
        sut.RememberInvalid("CC", before); // "not found", read before the insert

        Assert.Equal((CachedKeyState.Valid, Id), sut.Lookup(Hash));
        Assert.Equal((CachedKeyState.Miss, null), sut.Lookup("BB"));
        Assert.Equal((CachedKeyState.Miss, null), sut.Lookup("CC"));
    }

    [Fact]
    public void ForgetRefusals_DropsEveryRefusal_KeepsLiveKeys_AndVoidsAnswersFromBefore()
    {
        var sut = CreateSut();
        sut.RememberValid(Hash, Id, sut.Generation);
        sut.RememberInvalid("BB", sut.Generation);
        var before = sut.Generation;

        sut.ForgetRefusals();
        sut.RememberInvalid("CC", before);

        Assert.Equal((CachedKeyState.Valid, Id), sut.Lookup(Hash));
        Assert.Equal((CachedKeyState.Miss, null), sut.Lookup("BB"));
        Assert.Equal((CachedKeyState.Miss, null), sut.Lookup("CC"));
        Assert.Equal(0, sut.InvalidCount);
    }

    [Fact]
    public void Confirm_DropsRevokedKeys_AndRenewsLiveOnesFromTheQueryTime()
    {
        var sut = CreateSut();
        sut.RememberValid("A1", "id-1", sut.Generation);
        sut.RememberValid("A2", "id-2", sut.Generation);
        _time.Advance(TimeSpan.FromSeconds(50));
        var (ids, readAt) = sut.Snapshot();
        _time.Advance(TimeSpan.FromSeconds(5));

        sut.Confirm(ids, new HashSet<string> { "id-1" }, readAt);

        Assert.Equal((CachedKeyState.Miss, null), sut.Lookup("A2"));
        _time.Advance(TimeSpan.FromSeconds(54)); // 59 s after the query was sent
        Assert.Equal((CachedKeyState.Valid, "id-1"), sut.Lookup("A1"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((CachedKeyState.Stale, "id-1"), sut.Lookup("A1"));
    }

    [Fact]
    public void Confirm_LeavesKeysCachedAfterTheSnapshotAlone()
    {
        var sut = CreateSut();
        var (ids, readAt) = sut.Snapshot();
        sut.RememberValid(Hash, Id, sut.Generation);

        sut.Confirm(ids, new HashSet<string>(), readAt);

        Assert.Equal((CachedKeyState.Valid, Id), sut.Lookup(Hash));
    }

    [Fact]
    public void ValidKeys_PastCapacity_TheLeastRecentlyConfirmedGoes()
    {
        var sut = CreateSut();
        foreach (var n in new[] { 1, 2, 3 })
        {
            sut.RememberValid($"H{n}", $"id-{n}", sut.Generation);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        sut.RememberValid("H1", "id-1", sut.Generation); // confirmed again: now the newest
        sut.RememberValid("H4", "id-4", sut.Generation);

        Assert.Equal(3, sut.ValidCount);
        Assert.Equal(CachedKeyState.Miss, sut.Lookup("H2").State);
        Assert.Equal(CachedKeyState.Valid, sut.Lookup("H1").State);
    }

    [Fact]
    public void RefusedSecrets_PastCapacity_TheOldestGoes_AndTheQueueStaysBounded()
    {
        var sut = CreateSut();
        for (var n = 0; n < 1_000; n++)
        {
            sut.RememberInvalid($"R{n % 5}", sut.Generation); // the same five, refused again and again
        }

        Assert.Equal(3, sut.InvalidCount);
        Assert.Equal(CachedKeyState.Invalid, sut.Lookup("R4").State);
        Assert.Equal(CachedKeyState.Miss, sut.Lookup("R0").State);
    }

    [Fact]
    public void ValidKey_ReplacesItsOwnRefusal()
    {
        var sut = CreateSut();
        sut.RememberInvalid(Hash, sut.Generation);

        sut.RememberValid(Hash, Id, sut.Generation);

        Assert.Equal((CachedKeyState.Valid, Id), sut.Lookup(Hash));
        Assert.Equal(0, sut.InvalidCount);
    }

    [Fact]
    public void Clear_ForgetsEverything()
    {
        var sut = CreateSut();
        sut.RememberValid(Hash, Id, sut.Generation);
        sut.RememberInvalid("BB", sut.Generation);
        var before = sut.Generation;

        sut.Clear();

        Assert.Equal((0, 0), (sut.ValidCount, sut.InvalidCount));
        Assert.NotEqual(before, sut.Generation);
    }
}
