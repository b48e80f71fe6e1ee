using System.Net.Http.Headers;
using RxRelay.Testing.Databases;
using RxRelay.Testing.Tools;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// The cluster stage: a fresh database in the class's PostgreSQL, three real <c>rxrelay-proxy</c> processes in
/// cluster mode (distinct replica ids, free API and peer ports), nginx in front of their API ports, one
/// scripted backend (<see cref="ClusterBackend"/>), and workers that dial nginx only. Disposal stops
/// everything it started, even after a failure, and writes every program's output and nginx's access log
/// to the test log.
/// </summary>
internal sealed partial class ClusterRig : IAsyncDisposable
{
    public const string AdminToken = "cluster-admin-token";

    public const string PeerSecret = "cluster-peer-secret-0123456789";

    private readonly ITestOutputHelper _output;
    private readonly List<ChildProcess> _programs = [];
    private readonly List<IAsyncDisposable> _owned = [];

    private ClusterRig(ITestOutputHelper output, PostgresServer database, string databaseName, ClusterRigOptions options)
    {
        _output = output;
        Database = database;
        DatabaseName = databaseName;
        Options = options;
        Replicas = [.. options.ReplicaIds.Select(id => new Replica(id, Launch))];
    }

    public PostgresServer Database { get; }

    public string DatabaseName { get; }

    public ClusterRigOptions Options { get; }

    public IReadOnlyList<Replica> Replicas { get; }

    public NginxServer Nginx { get; private set; } = null!;

    /// <summary>A client of nginx: what every client of the cluster uses.</summary>
    public HttpClient Http { get; private set; } = null!;

    public ScriptedBackend Backend { get; private set; } = null!;

    public static async Task<ClusterRig> StartAsync(ITestOutputHelper output, ClusterDatabase database, ClusterRigOptions? options = null)
    {
        var rig = new ClusterRig(output, database.Server, await database.CreateAsync(), options ?? new ClusterRigOptions());
        try
        {
            rig.Backend = rig.Own(await ClusterBackend.StartAsync());
            await Task.WhenAll(rig.Replicas.Select(r => r.StartAsync()));
            await rig.WaitForFullViewsAsync();
            rig.Nginx = await NginxServer.StartAsync(new NginxOptions
            {
                UpstreamPorts = [.. rig.Replicas.Select(r => r.ApiPort)],
                ReadTimeout = rig.Options.NginxReadTimeout,
            });
            rig.Http = new HttpClient { BaseAddress = rig.Nginx.Url, Timeout = Timeout.InfiniteTimeSpan };
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }

        return rig;
    }

    /// <summary>Keeps <paramref name="resource"/> alive until the rig is disposed (after the programs).</summary>
    public T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        lock (_owned)
        {
            _owned.Add(resource);
        }

        return resource;
    }

    public ChildProcess Track(ChildProcess program)
    {
        lock (_programs)
        {
            _programs.Add(program);
        }

        return program;
    }

    /// <summary>Waits until every live replica's latest view names every other one.</summary>
    public Task WaitForFullViewsAsync(TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            () => Task.FromResult(Replicas.All(r => r.ViewPeers().Order().SequenceEqual(Replicas.Where(o => o != r).Select(o => o.Id).Order()))),
            timeout ?? Bounds.Registration,
            "every replica to see the others");

    /// <summary>The rows of <c>rxrelay_replicas</c> now.</summary>
    public Task<IReadOnlyList<ReplicaRow>> RowsAsync() => ReplicaRow.ReadAllAsync(Database.ConnectionString(DatabaseName));

    /// <summary>POSTs through nginx; returns when the headers arrive.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string body, string? apiKey = null, CancellationToken cancellationToken = default) =>
        PostAsync(Http, path, body, apiKey, cancellationToken);

    /// <summary>POSTs through nginx and reads the whole answer, bounded.</summary>
    public Task<(int Status, string Body)> SendAsync(string path, string body, string? apiKey = null, TimeSpan? timeout = null) =>
        SendAsync(Http, path, body, apiKey, timeout);

    internal static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string body, string? apiKey, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Replica.Json(body) };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    internal static async Task<(int Status, string Body)> SendAsync(HttpClient http, string path, string body, string? apiKey, TimeSpan? timeout)
    {
        using var bound = new CancellationTokenSource(timeout ?? Bounds.Prompt);
        using var response = await PostAsync(http, path, body, apiKey, bound.Token);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(bound.Token));
    }

    public async ValueTask DisposeAsync()
    {
        List<ChildProcess> programs;
        lock (_programs)
        {
            programs = [.. _programs];
        }

        await Task.WhenAll(programs.Select(p => p.DisposeAsync().AsTask()));
        if (Nginx is not null)
        {
            var accessLog = Nginx.AccessLog();
            await Nginx.DisposeAsync();
            foreach (var line in Nginx.Process.Lines)
            {
                _output.WriteLine(line);
            }

            _output.WriteLine("nginx access log:");
            _output.WriteLine(accessLog);
        }

        foreach (var line in programs.SelectMany(p => p.Lines))
        {
            _output.WriteLine(line);
        }

        List<IAsyncDisposable> owned;
        lock (_owned)
        {
            owned = [.. _owned];
        }

        foreach (var resource in Enumerable.Reverse(owned))
        {
            await resource.DisposeAsync();
        }

        foreach (var replica in Replicas)
        {
            replica.Dispose();
        }

        Http?.Dispose();
    }

    private ChildProcess Launch(Replica replica)
    {
        var settings = Options.Proxy with { Port = replica.ApiPort };
        string[] cluster =
        [
            "--database-url", Database.Url(DatabaseName),
            "--peer-listen", $"127.0.0.1:{replica.PeerPort}",
            "--peer-url", replica.PeerUrl.ToString().TrimEnd('/'),
            "--peer-secret", PeerSecret,
            "--replica-id", replica.Id,
        ];
        return Track(ChildProcess.Start(replica.Id, ProgramPaths.Proxy, [.. settings.ToArguments(), .. cluster], ProgramPaths.Isolated));
    }
}
