using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>
/// A proxy process plus the worker processes a test starts against it, and an HTTP client for the
/// proxy. Disposal kills everything and writes every program's output to the test log, so a failing
/// test shows what each side did.
/// </summary>
internal sealed class RelayCluster : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly List<ChildProcess> _programs = [];
    private readonly List<IAsyncDisposable> _owned = [];

    private RelayCluster(ITestOutputHelper output, ProxySettings settings)
    {
        _output = output;
        Settings = settings;
        ProxyUrl = new Uri($"http://127.0.0.1:{settings.Port}");
        Http = new HttpClient { BaseAddress = ProxyUrl, Timeout = Timeout.InfiniteTimeSpan };
    }

    public ProxySettings Settings { get; private set; }

    public Uri ProxyUrl { get; }

    public HttpClient Http { get; }

    public ChildProcess Proxy { get; private set; } = null!;

    public static async Task<RelayCluster> StartAsync(ITestOutputHelper output, ProxySettings? settings = null)
    {
        var cluster = new RelayCluster(output, (settings ?? new ProxySettings()) with { Port = settings?.Port is > 0 ? settings.Port : FreePort.Next() });
        try
        {
            await cluster.StartProxyAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Keeps <paramref name="resource"/> alive until the cluster is disposed (after the programs).</summary>
    public T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    public WorkerSettings Worker(Uri backend, string name = "worker") => new() { ProxyUrl = ProxyUrl, BackendUrl = backend, Name = name };

    /// <summary>Starts a worker process; by default waits until the proxy acknowledged its registration.</summary>
    public async Task<ChildProcess> StartWorkerAsync(WorkerSettings settings, bool waitForRegistration = true)
    {
        var worker = Track(ChildProcess.Start(settings.Name, ProgramPaths.Worker, settings.ToArguments(), ProgramPaths.Isolated));
        if (waitForRegistration)
        {
            await worker.WaitForLineAsync("registration acknowledged", Bounds.Startup);
        }

        return worker;
    }

    /// <summary>Starts the proxy on its port and waits for <c>/health</c>.</summary>
    public async Task StartProxyAsync(ProxySettings? changed = null)
    {
        Settings = changed is null ? Settings : changed with { Port = Settings.Port };
        Proxy = Track(ChildProcess.Start("proxy", ProgramPaths.Proxy, Settings.ToArguments(), ProgramPaths.Isolated));
        await Eventually.UntilAsync(async () =>
        {
            using var response = await Http.GetAsync("/health");
            return response.IsSuccessStatusCode;
        }, Bounds.Startup, "the proxy's /health");
    }

    public async Task<JsonElement> HealthAsync()
    {
        var text = await Http.GetStringAsync("/health").WaitAsync(Bounds.Prompt);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<int> WorkersConnectedAsync() => (await HealthAsync()).GetProperty("workers_connected").GetInt32();

    public Task<TimeSpan> WaitForWorkersAsync(int count, TimeSpan? timeout = null)
        => Eventually.UntilAsync(async () => await WorkersConnectedAsync() == count, timeout ?? Bounds.Registration, $"workers_connected {count}");

    /// <summary>POSTs a JSON body; returns as soon as headers arrive (streams are read by the caller).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string body, IEnumerable<(string Name, string Value)>? headers = null, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>POSTs and reads the whole answer, bounded.</summary>
    public async Task<(HttpResponseMessage Response, string Body)> SendAsync(string path, string body, IEnumerable<(string Name, string Value)>? headers = null, TimeSpan? timeout = null)
    {
        using var bound = new CancellationTokenSource(timeout ?? Bounds.Prompt);
        var response = await PostAsync(path, body, headers, bound.Token);
        return (response, await response.Content.ReadAsStringAsync(bound.Token));
    }

    public ChildProcess Track(ChildProcess program)
    {
        lock (_programs)
        {
            _programs.Add(program);
        }

        return program;
    }

    public async ValueTask DisposeAsync()
    {
        List<ChildProcess> programs;
        lock (_programs)
        {
            programs = [.. _programs];
        }

        await Task.WhenAll(programs.Select(p => p.DisposeAsync().AsTask()));
        foreach (var line in programs.SelectMany(p => p.Lines))
        {
            _output.WriteLine(line);
        }

        foreach (var resource in Enumerable.Reverse(_owned))
        {
            await resource.DisposeAsync();
        }

        Http.Dispose();
    }
}
