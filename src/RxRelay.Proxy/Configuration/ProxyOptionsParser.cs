using System.Text;

namespace RxRelay.Proxy.Configuration;

/// <summary>The result of parsing the command line and environment: options, help text, or every problem found.</summary>
/// <param name="Options">Parsed options when there were no errors and help was not asked for.</param>
/// <param name="Errors">One line per problem, naming the flag and the environment variable.</param>
/// <param name="HelpRequested">True for <c>--help</c> / <c>-h</c>.</param>
public sealed record ProxyOptionsParseResult(ProxyOptions? Options, IReadOnlyList<string> Errors, bool HelpRequested);

/// <summary>Turns command-line flags and environment variables into a validated <see cref="ProxyOptions"/>.</summary>
public static class ProxyOptionsParser
{
    /// <summary>Parses <paramref name="args"/> over <paramref name="environment"/>; all problems are reported at once.</summary>
    public static ProxyOptionsParseResult Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var errors = new List<string>();
        var flags = ReadFlags(args, errors, out var help);
        if (help)
        {
            return new(null, [], true);
        }

        var options = new ProxyOptions();
        foreach (var definition in ProxyOptionDefinitions.All)
        {
            options = ApplyOne(options, definition, flags, environment, errors);
        }

        if (errors.Count == 0 && options.CombinationError() is { } combination)
        {
            errors.Add(combination);
        }

        if (errors.Count == 0)
        {
            errors.AddRange(options.Cluster.Errors(options.DatabaseConnectionString is not null, options.Listen));
        }

        return errors.Count == 0 ? new(options, [], false) : new(null, errors, false);
    }

    /// <summary>The <c>--help</c> text.</summary>
    public static string HelpText()
    {
        var text = new StringBuilder("rxrelay-proxy: OpenAI/Anthropic-compatible relay that GPU workers dial into\n\nOptions:\n");
        foreach (var d in ProxyOptionDefinitions.All)
        {
            var usage = d.IsSwitch ? d.Flag : $"{d.Flag} <VALUE>";
            text.Append($"  {usage,-34} {d.Help} [env: {d.EnvironmentVariable}]\n");
        }

        return text.Append($"  {"-h, --help",-34} Print help\n").ToString();
    }

    private static ProxyOptions ApplyOne(
        ProxyOptions options, OptionDefinition definition, Dictionary<string, string> flags, Func<string, string?> environment, List<string> errors)
    {
        string? raw;
        string source;
        if (flags.TryGetValue(definition.Flag, out var flagValue))
        {
            (raw, source) = (flagValue, definition.Flag);
        }
        else
        {
            // An empty environment variable counts as unset, as clap does.
            raw = environment(definition.EnvironmentVariable) is { Length: > 0 } e ? e : null;
            source = definition.EnvironmentVariable;
        }

        if (raw is null)
        {
            return options;
        }

        var (applied, error) = definition.Apply(options, raw);
        if (applied is null)
        {
            errors.Add($"error: invalid value for {definition.Flag} / {definition.EnvironmentVariable} (from {source}): {error}");
            return options;
        }

        return applied;
    }

    private static Dictionary<string, string> ReadFlags(IReadOnlyList<string> args, List<string> errors, out bool help)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                help = true;
                continue;
            }

            var (name, inlineValue) = SplitInline(arg);
            var definition = ProxyOptionDefinitions.All.FirstOrDefault(d => d.Flag == name);
            if (definition is null)
            {
                errors.Add($"error: unexpected argument '{arg}' (see --help)");
            }
            else if (definition.IsSwitch)
            {
                AddSwitch(flags, definition, inlineValue, errors);
            }
            else if (inlineValue is not null || i + 1 < args.Count)
            {
                flags[name] = inlineValue ?? args[++i];
            }
            else
            {
                errors.Add($"error: a value is required for {name} / {definition.EnvironmentVariable} but none was supplied");
            }
        }

        return flags;
    }

    private static void AddSwitch(Dictionary<string, string> flags, OptionDefinition definition, string? inlineValue, List<string> errors)
    {
        // Upstream's --require-api-keys is a clap SetTrue flag: it takes no value on the command line.
        if (inlineValue is not null)
        {
            errors.Add($"error: {definition.Flag} / {definition.EnvironmentVariable} takes no value on the command line (got '{inlineValue}')");
            return;
        }

        flags[definition.Flag] = "true";
    }

    private static (string Name, string? Value) SplitInline(string arg)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }
}
