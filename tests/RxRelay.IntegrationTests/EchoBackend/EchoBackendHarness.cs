using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using RxRelay.EchoBackend;

namespace RxRelay.IntegrationTests.EchoBackend;

/// <summary>A real echo backend on 127.0.0.1 port 0 with virtual time, and a client for it.</summary>
internal sealed class EchoBackendHarness : IAsyncDisposable
{
    /// <summary>2023-11-14T22:13:20Z: every <c>created</c> field in these tests.</summary>
    public const long StartUnixSeconds = 1_700_000_000;

    private EchoBackendHarness(RunningEchoBackend backend, CountingTimeProvider time)
    {
        Backend = backend;
        Time = time;
        Client = new HttpClient { BaseAddress = backend.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public RunningEchoBackend Backend { get; }

    public CountingTimeProvider Time { get; }

    public HttpClient Client { get; }

    public static async Task<EchoBackendHarness> StartAsync(params string[] models)
    {
        var time = new CountingTimeProvider(DateTimeOffset.FromUnixTimeSeconds(StartUnixSeconds));
        var options = new EchoBackendOptions { Listen = ListenAddress.LoopbackAnyPort, TimeProvider = time };
        var backend = await EchoBackendApp.StartAsync(models.Length > 0 ? options with { Models = models } : options);
        return new EchoBackendHarness(backend, time);
    }

    public static HttpRequestMessage Post(string path, string json, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Backend.DisposeAsync();
    }
}

/// <summary>
/// A <see cref="FakeTimeProvider"/> that counts the timers created, so a test knows a delay has begun before advancing
/// time. A timer counts once it is registered: counted before, a test could advance the clock between the count and
/// the registration, and the timer's due time would then be reckoned from the advanced clock (a CI run waited for
/// 300 ms of virtual time that never came).
/// </summary>
internal sealed class CountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _timersCreated;

    public int TimersCreated => Volatile.Read(ref _timersCreated);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _timersCreated);
        return timer;
    }
}
