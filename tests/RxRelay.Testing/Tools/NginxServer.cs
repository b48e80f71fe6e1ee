using System.Net;
using System.Net.Sockets;
using RxRelay.Testing.Network;
using RxRelay.Testing.Processes;

namespace RxRelay.Testing.Tools;

/// <summary>
/// A throwaway nginx load balancer for tests, like <c>PostgresServer</c> for PostgreSQL: a prefix folder in
/// temp with its <see cref="NginxConfig"/>, a free port on 127.0.0.1, run in the foreground
/// (<c>daemon off</c>) as a <see cref="ChildProcess"/> so its error log is part of the test's output and
/// disposal kills the master and its worker whatever happened. <c>user root</c> when the tests run as root
/// (the worker process would otherwise run as nobody and could not use the 0700 temp folder).
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(15);

    private readonly string _prefix;

    private NginxServer(string prefix, int port, ChildProcess process)
    {
        _prefix = prefix;
        Port = port;
        Process = process;
    }

    /// <summary>The port on 127.0.0.1 clients and workers use.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>The nginx master process (its output is nginx's error log).</summary>
    public ChildProcess Process { get; }

    /// <summary>Writes the config, starts nginx and returns once its port accepts connections.</summary>
    /// <exception cref="InvalidOperationException">nginx is missing, exited, or did not listen in time; carries its output.</exception>
    public static async Task<NginxServer> StartAsync(NginxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var executable = NginxInstallation.Executable
            ?? throw new InvalidOperationException(NginxInstallation.SkipReason ?? "nginx not found (apt-get install nginx-light)");
        var prefix = Directory.CreateTempSubdirectory("rxrelay-nginx-").FullName;
        var port = FreePort.Next();
        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, NginxConfig.Render(options, prefix, port, asRoot: Environment.UserName == "root")).ConfigureAwait(false);
        var process = ChildProcess.StartExecutable("nginx", executable, ["-p", prefix, "-c", config, "-e", "stderr"]);
        var server = new NginxServer(prefix, port, process);
        try
        {
            await server.WaitUntilListeningAsync().ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The access log so far (one line per finished request: upstream address and status).</summary>
    public string AccessLog()
    {
        try
        {
            return File.ReadAllText(Path.Combine(_prefix, "access.log"));
        }
        catch (IOException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Kills nginx (bounded) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_prefix, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the OS cleans /tmp.
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        using var bound = new CancellationTokenSource(StartBound);
        while (true)
        {
            if (Process.HasExited)
            {
                throw Process.Failure("exited at start-up");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port, bound.Token).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException)
            {
                throw Process.Failure($"did not listen on 127.0.0.1:{Port} within {StartBound.TotalSeconds:0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), bound.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }
}
