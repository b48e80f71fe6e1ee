using System.Reflection;
using System.Text;

namespace RxRelay.Worker.Configuration;

/// <summary>The text printed for <c>--help</c> and <c>--version</c>, built from the settings table.</summary>
internal static class WorkerHelpText
{
    private const string ProgramName = "rxrelay-worker";

    /// <summary><c>rxrelay-worker &lt;version&gt;</c>.</summary>
    public static string VersionLine { get; } = $"{ProgramName} {ProgramVersion()}";

    /// <summary>The usage listing: every flag with its env var, TOML key and default.</summary>
    public static string Usage { get; } = BuildUsage();

    private static string BuildUsage()
    {
        var text = new StringBuilder()
            .AppendLine("RxRelay worker: dials out to an RxRelay or ModelRelay proxy and relays its requests to a local backend.")
            .AppendLine()
            .AppendLine($"Usage: {ProgramName} [OPTIONS]")
            .AppendLine()
            .AppendLine("Options (precedence: flag > environment variable > config file > default):")
            .AppendLine("  --config <FILE>")
            .AppendLine("      TOML file with any of the keys below (unknown keys are ignored)");
        foreach (var setting in WorkerSettings.All)
        {
            text.AppendLine($"  {setting.Flag} <{setting.ValueName}>")
                .AppendLine($"      {setting.Description}")
                .AppendLine($"      [env: {setting.EnvVar}] [toml: {setting.TomlKey}] [default: {setting.DefaultText}]");
        }

        return text
            .AppendLine("  -h, --help")
            .AppendLine("      Print this help and exit")
            .AppendLine("  -V, --version")
            .AppendLine("      Print the version and exit")
            .AppendLine()
            .AppendLine("Both '--flag value' and '--flag=value' work; use the second for values starting with '-'.")
            .AppendLine("RUST_LOG is not read: set the level with --log-level / LOG_LEVEL / log_level.")
            .ToString();
    }

    private static string ProgramVersion()
    {
        var assembly = typeof(WorkerHelpText).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        // Drop the "+<commit>" build metadata the SDK appends; it is noise in a version line.
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
    }
}
