using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging.Abstractions;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Database;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.IntegrationTests.ClusterOnPostgres;

/// <summary>One replica's directory member on a real database, with an offer the test sets by hand.</summary>
internal sealed class DirectoryMember : IAsyncDisposable
{
    private readonly RelayDatabase _database;
    private volatile ReplicaOffer _offer = ReplicaOffer.Empty;

    private DirectoryMember(RelayDatabase database, ClusterDirectory directory)
    {
        _database = database;
        Directory = directory;
    }

    public ClusterDirectory Directory { get; }

    public static ReplicaOffer Offer(int free) => new([new ModelLoad("local", "llama", 1, 4, 4 - free, 0, free)]);

    /// <summary>Migrates, joins and starts the loops, as the host would.</summary>
    public static async Task<DirectoryMember> StartAsync(string connectionString, string replicaId, DirectoryTiming? timing = null)
    {
        var database = new RelayDatabase(connectionString);
        DirectoryMember? member = null;
        var directory = new ClusterDirectory(
            database,
            new ClusterOptions { PeerListen = "127.0.0.1:0", PeerUrl = $"http://{replicaId}.test:7070", PeerSecret = "0123456789abcdef", ReplicaId = replicaId },
            timing ?? new DirectoryTiming(),
            () => member?._offer ?? ReplicaOffer.Empty,
            DefaultScheduler.Instance,
            TimeProvider.System,
            NullLogger<ClusterDirectory>.Instance);
        member = new DirectoryMember(database, directory);
        await directory.StartingAsync(CancellationToken.None);
        await directory.StartAsync(CancellationToken.None);
        return member;
    }

    public void SetOffer(ReplicaOffer offer) => _offer = offer;

    /// <summary>The first view (from now on) that satisfies <paramref name="condition"/>, or a timeout after <paramref name="bound"/>.</summary>
    public Task<ClusterView> WaitForViewAsync(Func<ClusterView, bool> condition, TimeSpan bound) =>
        Directory.View.Where(condition).FirstAsync().Timeout(bound).ToTask();

    /// <summary>A graceful stop: the row is deleted.</summary>
    public async Task StopAsync()
    {
        await Directory.StopAsync(CancellationToken.None);
        await DisposeAsync();
    }

    /// <summary>Without a stop: the loops end and the row stays, as after a crash.</summary>
    public async ValueTask DisposeAsync()
    {
        await Directory.DisposeAsync();
        await _database.DisposeAsync();
    }
}
