using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RxRelay.EndToEndTests.Infrastructure;

namespace RxRelay.EndToEndTests.RealBackend;

/// <summary>How the real llama.cpp server is started.</summary>
internal sealed record LlamaServerOptions
{
    /// <summary>llama-server <c>--parallel</c>: requests it decodes at once.</summary>
    public int Slots { get; init; } = 4;

    /// <summary>The kit's slower model (about 30 tokens/s on a 2-core box instead of thousands), for streams that last.</summary>
    public bool SlowTokens { get; init; }
}

/// <summary>
/// A real <c>llama-server</c> on a free loopback port, started by the kit's own script (which unpacks the
/// .debs and writes the model once, into a temp folder keyed by the kit's packages). The script is sourced
/// by a bash that then waits, so the server is that bash's child: disposal (or the kit's registry, if the
/// test host dies) kills both.
/// </summary>
internal sealed class LlamaServer : IAsyncDisposable
{
    /// <summary>First start on a machine: unpacking 12 MB of .debs and writing up to 133 MB of model.</summary>
    private static readonly TimeSpan Preparation = TimeSpan.FromMinutes(3);

    private readonly ChildProcess _script;
    private readonly string _logFile;

    private LlamaServer(ChildProcess script, int port, string logFile)
    {
        _script = script;
        _logFile = logFile;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = Bounds.Prompt };
    }

    public Uri BaseAddress { get; }

    /// <summary>A client straight to the server (no relay), for comparisons and <c>/slots</c>.</summary>
    public HttpClient Http { get; }

    public static async Task<LlamaServer> StartAsync(LlamaServerOptions options)
    {
        var folder = LlamaServerLocation.Folder ?? throw new InvalidOperationException(LlamaServerLocation.SkipReason);
        var script = Path.Combine(folder, LlamaServerLocation.StartScript);
        if (!File.Exists(script))
        {
            throw new FileNotFoundException($"{LlamaServerLocation.EnvironmentVariable}={folder} holds no {LlamaServerLocation.StartScript}", script);
        }

        var work = Path.Combine(Path.GetTempPath(), "rxrelay-llama-" + KitStamp(folder));
        var port = FreePort.Next();
        var started = ChildProcess.StartExecutable("llama-server", "bash",
            ["-c", "source \"$0\" \"$@\" && wait", script, port.ToString(CultureInfo.InvariantCulture), work],
            ProgramPaths.Isolated with { Environment = ScriptEnvironment(options) });
        var server = new LlamaServer(started, port, Path.Combine(work, $"llama-server-{port}.log"));
        try
        {
            // The script prints the server's pid once the server is launched.
            await started.WaitForLineAsync(line => line.Length > 0 && line.All(char.IsAsciiDigit), Preparation, CancellationToken.None);
            await server.WaitUntilHealthyAsync();
        }
        catch (Exception error)
        {
            var report = $"llama-server did not start: {error.Message}{Environment.NewLine}its log:{Environment.NewLine}{server.LogTail()}";
            await server.DisposeAsync();
            throw new InvalidOperationException(report, error);
        }

        return server;
    }

    /// <summary>How many of the server's slots are decoding right now (<c>GET /slots</c>).</summary>
    public async Task<int> BusySlotsAsync()
    {
        using var slots = JsonDocument.Parse(await Http.GetStringAsync("/slots"));
        return slots.RootElement.EnumerateArray().Count(slot => slot.GetProperty("is_processing").GetBoolean());
    }

    /// <summary>The last lines of the server's own log, for a failure report.</summary>
    public string LogTail()
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(_logFile).TakeLast(30).Select(line => "  | " + line));
        }
        catch (IOException)
        {
            return "  (no log at " + _logFile + ")";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _script.DisposeAsync();
        Http.Dispose();
    }

    private async Task WaitUntilHealthyAsync()
    {
        // 503 while the model loads; a server that died fails at once instead of at the bound.
        await Eventually.UntilAsync(async () =>
        {
            if (_script.HasExited)
            {
                throw _script.Failure("exited while starting");
            }

            using var response = await Http.GetAsync("/health");
            return response.IsSuccessStatusCode;
        }, Bounds.Startup, "llama-server's /health");
    }

    private static Dictionary<string, string?> ScriptEnvironment(LlamaServerOptions options)
    {
        var environment = new Dictionary<string, string?>(ProgramPaths.Isolated.Environment)
        {
            ["LLAMA_ARGS"] = $"-np {options.Slots.ToString(CultureInfo.InvariantCulture)}",
            ["TINY_LAYERS"] = null,
            ["TINY_FF"] = null,
            ["TINY_CTX"] = null,
        };
        if (options.SlowTokens)
        {
            // The kit README's knobs for a slow model; its 32 K context leaves each of the slots room for long streams.
            environment["TINY_LAYERS"] = "4";
            environment["TINY_FF"] = "8192";
            environment["TINY_CTX"] = "32768";
        }

        return environment;
    }

    /// <summary>Names the unpack folder after the kit's packages, so refreshed .debs are unpacked afresh.</summary>
    private static string KitStamp(string folder)
    {
        var debs = Directory.EnumerateFiles(Path.Combine(folder, "debs"), "*.deb")
            .Select(path => $"{Path.GetFileName(path)}:{new FileInfo(path).Length}")
            .Order(StringComparer.Ordinal);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', debs)));
        return Convert.ToHexStringLower(hash.AsSpan(0, 4));
    }
}
