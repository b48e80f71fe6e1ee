using RxRelay.Protocol.Diagnostics;

namespace RxRelay.Worker.Configuration;

/// <summary>
/// Builds <see cref="WorkerOptions"/> from command-line flags, environment variables and an optional
/// TOML file (<c>--config</c>), with upstream's precedence: flag &gt; env &gt; file &gt; default.
/// Differences from upstream, on purpose: <c>RUST_LOG</c> is ignored (only <c>--log-level</c> /
/// <c>LOG_LEVEL</c> / <c>log_level</c> set the level); <c>--max-concurrency 0</c> is rejected instead of
/// being sent and clamped to 1 by the proxy, because the worker enforces the cap locally; an empty model
/// list, bad URLs and providers that would corrupt the connect query are rejected at start-up;
/// environment variables set to the empty string count as unset.
/// </summary>
public static class WorkerOptionsLoader
{
    /// <summary>The exact line upstream prints when no secret is configured anywhere.</summary>
    public const string MissingSecretError = "error: worker secret is required (--worker-secret, WORKER_SECRET env, or config file)";

    /// <summary>Loads and validates the options. Never throws for bad input: problems are returned as error lines.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="getEnvironmentVariable">Reads one environment variable (null when unset).</param>
    public static WorkerOptionsResult Load(IReadOnlyList<string> args, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);

        var commandLine = WorkerCommandLine.Parse(args);
        if (commandLine.HelpRequested)
        {
            return new WorkerOptionsResult(null, [], WorkerHelpText.Usage);
        }

        if (commandLine.VersionRequested)
        {
            return new WorkerOptionsResult(null, [], WorkerHelpText.VersionLine);
        }

        var errors = new List<string>(commandLine.Errors);
        var configFile = WorkerConfigFile.Load(commandLine.ConfigPath, out var fileError);
        if (fileError is not null)
        {
            errors.Add(fileError);
        }

        var options = Read(new WorkerSettingReader(commandLine, getEnvironmentVariable, configFile, errors), errors);
        return errors.Count == 0 ? new WorkerOptionsResult(options, []) : new WorkerOptionsResult(null, errors);
    }

    private static WorkerOptions Read(WorkerSettingReader reader, List<string> errors)
    {
        var defaults = new WorkerOptions { WorkerSecret = string.Empty };
        var secret = reader.Text(WorkerSettings.WorkerSecret, null, _ => null);
        if (string.IsNullOrEmpty(secret))
        {
            // A secret of the wrong TOML type has its own line already: one line per problem.
            if (!reader.InvalidSettings.Contains(WorkerSettings.WorkerSecret))
            {
                errors.Add(MissingSecretError);
            }
        }
        else if (!WorkerOptionRules.SecretIsHeaderSafe(secret))
        {
            // Never echo the secret itself.
            errors.Add($"error: invalid value for {WorkerSettings.WorkerSecret.FlagAndEnv}: expected printable ASCII (it is sent as the x-worker-secret header)");
        }

        return defaults with
        {
            WorkerSecret = secret ?? string.Empty,
            ProxyUrl = reader.Text(WorkerSettings.ProxyUrl, defaults.ProxyUrl, WorkerOptionRules.ProxyUrl)!,
            Provider = reader.Text(WorkerSettings.Provider, defaults.Provider, WorkerOptionRules.Provider)!,
            WorkerName = reader.Text(WorkerSettings.WorkerName, defaults.WorkerName, WorkerOptionRules.WorkerName)!,
            Models = ReadModels(reader, defaults.Models, errors),
            MaxConcurrency = reader.PositiveInteger(WorkerSettings.MaxConcurrency, defaults.MaxConcurrency),
            BackendUrl = reader.Text(WorkerSettings.BackendUrl, defaults.BackendUrl, WorkerOptionRules.BackendUrl)!,
            LogLevel = WorkerOptionRules.NormalizeLogLevel(reader.Text(WorkerSettings.LogLevel, defaults.LogLevel, WorkerOptionRules.LogLevel)!),
            LogFormat = LogFormats.Parse(reader.Text(WorkerSettings.LogFormat, LogFormats.DefaultName, WorkerOptionRules.LogFormat)) ?? LogFormat.Text,
            MetricsListen = WorkerOptionRules.ParseEndPoint(reader.Text(WorkerSettings.MetricsListen, null, WorkerOptionRules.MetricsListen)),
            IdleTimeout = reader.Seconds(WorkerSettings.IdleTimeoutSecs, defaults.IdleTimeout, allowZero: false),
            ShutdownTimeout = reader.Seconds(WorkerSettings.ShutdownTimeoutSecs, defaults.ShutdownTimeout, allowZero: true),
            ExtraEndpointPaths = reader.List(
                WorkerSettings.ExtraEndpointPaths, defaults.ExtraEndpointPaths, WorkerOptionRules.ExtraEndpointPath, WorkerOptionRules.ExtraEndpointPathExpectation)
                .Distinct(StringComparer.Ordinal).ToArray(),
        };
    }

    // Upstream lets `--models ","` register a worker with no models, which can never receive work;
    // that is reported here instead.
    private static IReadOnlyList<string> ReadModels(WorkerSettingReader reader, IReadOnlyList<string> fallback, List<string> errors)
    {
        var before = errors.Count;
        var models = reader.List(WorkerSettings.Models, fallback, _ => true, WorkerOptionRules.ModelExpectation);
        if (models.Count == 0 && errors.Count == before)
        {
            errors.Add("error: no models configured (--models, MODELS env, or config file): expected at least one model name");
        }

        return models;
    }
}

/// <summary>The outcome of <see cref="WorkerOptionsLoader.Load"/>.</summary>
/// <param name="Options">The options when valid; null otherwise.</param>
/// <param name="Errors">One line per problem, each naming the flag and env var, e.g. <c>error: worker secret is required (--worker-secret, WORKER_SECRET env, or config file)</c>.</param>
/// <param name="HelpText">Set when <c>--help</c> or <c>--version</c> was asked for: print it and exit 0.</param>
public sealed record WorkerOptionsResult(WorkerOptions? Options, IReadOnlyList<string> Errors, string? HelpText = null);
