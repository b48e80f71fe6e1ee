namespace RxRelay.Worker.Configuration;

/// <summary>
/// The worker's command line, split into flag values. Accepts <c>--flag value</c> and
/// <c>--flag=value</c>, like upstream's clap parser, and collects every problem instead of stopping
/// at the first one.
/// </summary>
internal sealed class WorkerCommandLine
{
    internal const string ConfigFlag = "--config";

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<string> _errors = [];

    private WorkerCommandLine()
    {
    }

    /// <summary>True when <c>--help</c> or <c>-h</c> was given.</summary>
    public bool HelpRequested { get; private set; }

    /// <summary>True when <c>--version</c> was given.</summary>
    public bool VersionRequested { get; private set; }

    /// <summary>The <c>--config</c> path, when given.</summary>
    public string? ConfigPath => _values.GetValueOrDefault(ConfigFlag);

    /// <summary>One line per problem, in command-line order.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>The value given for a flag, or null when the flag was absent.</summary>
    public string? ValueOf(WorkerSetting setting) => _values.GetValueOrDefault(setting.Flag);

    /// <summary>Splits <paramref name="args"/> into flag values.</summary>
    public static WorkerCommandLine Parse(IReadOnlyList<string> args)
    {
        var commandLine = new WorkerCommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            i = commandLine.Consume(args, i);
        }

        return commandLine;
    }

    private static bool TakesValue(string flag)
        => flag == ConfigFlag || WorkerSettings.All.Any(s => s.Flag == flag);

    // Returns the index of the last argument it used, so a separate value is skipped by the caller.
    private int Consume(IReadOnlyList<string> args, int index)
    {
        var arg = args[index];
        switch (arg)
        {
            case "--help" or "-h":
                HelpRequested = true;
                return index;
            case "--version" or "-V":
                VersionRequested = true;
                return index;
        }

        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        var flag = arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? arg[..equals] : arg;
        if (!TakesValue(flag))
        {
            _errors.Add($"error: unexpected argument '{arg}'");
            return index;
        }

        string value;
        if (flag.Length < arg.Length)
        {
            value = arg[(equals + 1)..];
        }
        else if (index + 1 < args.Count && !LooksLikeFlag(args[index + 1]))
        {
            value = args[++index];
        }
        else
        {
            _errors.Add($"error: a value is required for '{flag} <{ValueNameOf(flag)}>' but none was supplied");
            return index;
        }

        if (!_values.TryAdd(flag, value))
        {
            _errors.Add($"error: the argument '{flag} <{ValueNameOf(flag)}>' cannot be used multiple times");
        }

        return index;
    }

    // Like clap, a following argument that starts with '-' is read as the next flag, not as a value;
    // '--flag=-value' is the way to pass such a value.
    private static bool LooksLikeFlag(string arg) => arg.Length > 1 && arg[0] == '-';

    private static string ValueNameOf(string flag)
        => flag == ConfigFlag ? "FILE" : WorkerSettings.All.First(s => s.Flag == flag).ValueName;
}
