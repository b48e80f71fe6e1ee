namespace RxRelay.Worker.Configuration;

/// <summary>
/// Builds <see cref="WorkerOptions"/> from command-line flags, environment variables and an optional
/// TOML file (<c>--config</c>), with upstream's precedence: flag &gt; env &gt; file &gt; default.
/// </summary>
public static class WorkerOptionsLoader
{
    /// <summary>Loads and validates the options. Never throws for bad input: problems are returned as error lines.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="getEnvironmentVariable">Reads one environment variable (null when unset).</param>
    public static WorkerOptionsResult Load(IReadOnlyList<string> args, Func<string, string?> getEnvironmentVariable)
        => throw new NotImplementedException("lands with the worker configuration work");
}

/// <summary>The outcome of <see cref="WorkerOptionsLoader.Load"/>.</summary>
/// <param name="Options">The options when valid; null otherwise.</param>
/// <param name="Errors">One line per problem, each naming the flag and env var, e.g. <c>error: worker secret is required (--worker-secret, WORKER_SECRET env, or config file)</c>.</param>
/// <param name="HelpText">Set when <c>--help</c> or <c>--version</c> was asked for: print it and exit 0.</param>
public sealed record WorkerOptionsResult(WorkerOptions? Options, IReadOnlyList<string> Errors, string? HelpText = null);
