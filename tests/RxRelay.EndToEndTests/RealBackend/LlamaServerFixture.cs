namespace RxRelay.EndToEndTests.RealBackend;

/// <summary>
/// One real llama-server per test class, started before its first test and killed after its last (its
/// port is free at start). Where the kit is missing the tests skip and nothing starts.
/// </summary>
public abstract class LlamaServerFixture : IAsyncLifetime
{
    private readonly LlamaServerOptions _options;
    private LlamaServer? _server;

    private protected LlamaServerFixture(LlamaServerOptions options) => _options = options;

    internal LlamaServer Server => _server ?? throw new InvalidOperationException(LlamaServerLocation.SkipReason ?? "llama-server was not started");

    public async Task InitializeAsync()
    {
        if (LlamaServerLocation.SkipReason is null)
        {
            _server = await LlamaServer.StartAsync(_options);
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The tiny model at full speed (thousands of tokens/s), 4 slots.</summary>
public sealed class FastLlamaServer() : LlamaServerFixture(new LlamaServerOptions { Slots = Llama.Slots });

/// <summary>The slow model (tens of tokens/s), 4 slots: streams that last seconds.</summary>
public sealed class SlowLlamaServer() : LlamaServerFixture(new LlamaServerOptions { Slots = Llama.Slots, SlowTokens = true });
