using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RxRelay.EndToEndTests.Cluster;

/// <summary>
/// One proxy replica of a <see cref="ClusterRig"/>: a real <c>rxrelay-proxy</c> process in cluster mode with its
/// own id, API port and peer port, kept across restarts (a restart is a new process under the same id and
/// ports, as a rolling deploy does). Signals: SIGKILL (<see cref="KillAsync"/>), SIGSTOP / SIGCONT
/// (<see cref="PauseAsync"/>, <see cref="ResumeAsync"/>), SIGTERM (<see cref="TerminateAsync"/>).
/// </summary>
internal sealed class Replica : IDisposable
{
    private readonly Func<Replica, ChildProcess> _launch;

    public Replica(string id, Func<Replica, ChildProcess> launch)
    {
        Id = id;
        _launch = launch;
        ApiPort = FreePort.Next();
        PeerPort = FreePort.Next();
        ApiUrl = new Uri($"http://127.0.0.1:{ApiPort}");
        PeerUrl = new Uri($"http://127.0.0.1:{PeerPort}");
        Http = new HttpClient { BaseAddress = ApiUrl, Timeout = Timeout.InfiniteTimeSpan };
    }

    public string Id { get; }

    public int ApiPort { get; }

    public int PeerPort { get; }

    public Uri ApiUrl { get; }

    public Uri PeerUrl { get; }

    /// <summary>A client that talks to this replica directly, past nginx.</summary>
    public HttpClient Http { get; }

    /// <summary>The current process (the latest start).</summary>
    public ChildProcess Process { get; private set; } = null!;

    /// <summary>Starts a process (again) and waits for <c>/health</c> and for it to have joined the directory.</summary>
    public async Task StartAsync()
    {
        Process = _launch(this);
        await Process.WaitForLineAsync("joined the directory", Bounds.Startup);
        await Eventually.UntilAsync(async () =>
        {
            using var response = await Http.GetAsync("/health");
            return response.IsSuccessStatusCode;
        }, Bounds.Startup, $"{Id}'s /health");
    }

    public Task KillAsync() => Process.KillAsync();

    public Task PauseAsync() => ProcessSignals.StopAsync(Process.Pid);

    public Task ResumeAsync() => ProcessSignals.ContinueAsync(Process.Pid);

    /// <summary>SIGTERM and the replica's own drain; returns its exit code.</summary>
    public Task<int> TerminateAsync() => Process.TerminateAsync(Bounds.Startup);

    /// <summary>The peers this replica's latest <c>cluster view</c> line names (empty before the first).</summary>
    public IReadOnlyList<string> ViewPeers()
    {
        var line = Process.Lines.LastOrDefault(l => l.Contains("cluster view: ", StringComparison.Ordinal));
        var colon = line?.IndexOf("peer(s): ", StringComparison.Ordinal) ?? -1;
        return line is null || colon < 0
            ? []
            : line[(colon + "peer(s): ".Length)..].Split(", ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The names of the workers registered here (<c>GET /admin/workers</c>).</summary>
    public async Task<IReadOnlyList<AdminWorker>> WorkersAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/workers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterRig.AdminToken);
        using var bound = new CancellationTokenSource(Bounds.Prompt);
        using var response = await Http.SendAsync(request, bound.Token);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(bound.Token));
        return [.. json.RootElement.GetProperty("workers").EnumerateArray().Select(w => new AdminWorker(
            w.GetProperty("worker_name").GetString()!, w.GetProperty("in_flight_count").GetInt32(), w.GetProperty("max_concurrent").GetInt32()))];
    }

    /// <summary><c>GET /v1/models</c>, as text.</summary>
    public async Task<string> ModelsAsync()
    {
        using var bound = new CancellationTokenSource(Bounds.Prompt);
        return await Http.GetStringAsync("/v1/models", bound.Token);
    }

    /// <summary>The <c>queue_depth</c> of <c>/health</c>.</summary>
    public async Task<int> QueueDepthAsync()
    {
        using var bound = new CancellationTokenSource(Bounds.Prompt);
        using var json = JsonDocument.Parse(await Http.GetStringAsync("/health", bound.Token));
        return json.RootElement.GetProperty("queue_depth").GetInt32();
    }

    /// <summary><c>POST /admin/keys</c>: returns the new key's id and its one-time secret.</summary>
    public async Task<(string Id, string Secret)> CreateKeyAsync(string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/keys") { Content = Json($$"""{"name":"{{name}}"}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterRig.AdminToken);
        using var bound = new CancellationTokenSource(Bounds.Prompt);
        using var response = await Http.SendAsync(request, bound.Token);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(bound.Token));
        return (json.RootElement.GetProperty("id").GetString()!, json.RootElement.GetProperty("secret").GetString()!);
    }

    /// <summary><c>DELETE /admin/keys/{id}</c>: returns the status.</summary>
    public async Task<int> RevokeKeyAsync(string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/admin/keys/{id}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterRig.AdminToken);
        using var bound = new CancellationTokenSource(Bounds.Prompt);
        using var response = await Http.SendAsync(request, bound.Token);
        return (int)response.StatusCode;
    }

    /// <summary>POSTs to this replica and reads the whole answer, bounded.</summary>
    public Task<(int Status, string Body)> SendAsync(string path, string body, string? apiKey = null, TimeSpan? timeout = null) =>
        ClusterRig.SendAsync(Http, path, body, apiKey, timeout);

    /// <summary>POSTs a JSON body to this replica; returns when the headers arrive.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string body, string? apiKey = null, CancellationToken cancellationToken = default) =>
        ClusterRig.PostAsync(Http, path, body, apiKey, cancellationToken);

    public void Dispose() => Http.Dispose();

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
}

/// <summary>One row of <c>/admin/workers</c>, the fields the scenarios read.</summary>
internal sealed record AdminWorker(string Name, int InFlight, int MaxConcurrent);
