using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using RxRelay.Proxy.Database;

namespace RxRelay.Proxy.Tests.Database;

/// <summary>Outage bookkeeping in virtual time: logged once each way, one try per retry interval while down.</summary>
public sealed class DatabaseHealthTests : IAsyncDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<DatabaseHealth> _logger = new();
    private readonly RelayDatabase _database = new("Host=db.example;Port=5433;Username=relay;Password=s3cret-pw;Database=keys");

    private DatabaseHealth CreateSut() => new(_database, Retry, _time, _logger);

    [Fact]
    public void Healthy_EveryCallerTries()
    {
        var sut = CreateSut();

        Assert.True(sut.ShouldTry());
        Assert.True(sut.ShouldTry());
        Assert.False(sut.IsDown);
    }

    [Fact]
    public void Outage_LoggedOnce_WithTheServerAndCause_ButNotThePassword()
    {
        var sut = CreateSut();

        for (var i = 0; i < 50; i++)
        {
            sut.Failed(new NpgsqlException("Failed to connect to 10.0.0.1:5433 (password s3cret-pw)"));
        }

        var line = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(
            "database db.example:5433/keys unreachable: Failed to connect to 10.0.0.1:5433 (password ***); cached API keys keep working, unknown keys get 500 until it is back",
            line.Message);
    }

    [Fact]
    public void WhileDown_OneCallerPerRetryInterval_TheRestFailAtOnce()
    {
        var sut = CreateSut();
        sut.Failed(new TimeoutException());

        Assert.False(sut.ShouldTry());
        _time.Advance(Retry - TimeSpan.FromTicks(1));
        Assert.False(sut.ShouldTry());
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(sut.ShouldTry());
        Assert.False(sut.ShouldTry()); // that caller holds the turn until the next interval
    }

    [Fact]
    public void Recovery_LoggedOnce_WithTheOutagesLength()
    {
        var sut = CreateSut();
        sut.Failed(new TimeoutException());
        _time.Advance(TimeSpan.FromSeconds(12.5));

        sut.Succeeded();
        sut.Succeeded();

        Assert.False(sut.IsDown);
        Assert.True(sut.ShouldTry());
        Assert.Equal(
            ["database db.example:5433/keys unreachable: The operation has timed out.; cached API keys keep working, unknown keys get 500 until it is back",
             "database db.example:5433/keys reachable again after 12.5s"],
            _logger.Collector.GetSnapshot().Select(r => r.Message));
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
