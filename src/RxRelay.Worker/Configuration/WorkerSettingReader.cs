using System.Globalization;
using Tomlyn.Model;

namespace RxRelay.Worker.Configuration;

/// <summary>
/// Reads each setting from the first source that has it (flag &gt; env &gt; file &gt; default), checks
/// it, and appends one error line per bad value. Only the winning source is read, so a bad value
/// that is overridden is never reported, as with upstream.
/// </summary>
internal sealed class WorkerSettingReader(
    WorkerCommandLine commandLine,
    Func<string, string?> getEnvironmentVariable,
    WorkerConfigFile configFile,
    List<string> errors)
{
    /// <summary>The settings an error line was written for.</summary>
    public HashSet<WorkerSetting> InvalidSettings { get; } = [];

    /// <summary>A string setting; <paramref name="check"/> returns what was expected when the value is bad, or null.</summary>
    public string? Text(WorkerSetting setting, string? fallback, Func<string, string?> check)
    {
        if (Find(setting) is not { } found)
        {
            return fallback;
        }

        if (found.Text is not { } text)
        {
            return Invalid(found, "expected a string") ?? fallback;
        }

        return check(text) is { } expected ? Invalid(found, expected, text) ?? fallback : text;
    }

    /// <summary>A whole number from 1 to <see cref="uint.MaxValue"/>.</summary>
    public uint PositiveInteger(WorkerSetting setting, uint fallback)
    {
        const string expected = "expected a positive integer";
        if (Find(setting) is not { } found)
        {
            return fallback;
        }

        var text = found.Text ?? (found.TomlValue is long number ? number.ToString(CultureInfo.InvariantCulture) : null);
        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && found.TomlValue is not string)
        {
            return value;
        }

        Invalid(found, expected);
        return fallback;
    }

    /// <summary>Fractional seconds, above zero (or zero too when <paramref name="allowZero"/>), at most <see cref="WorkerOptionRules.MaxSeconds"/>.</summary>
    public TimeSpan Seconds(WorkerSetting setting, TimeSpan fallback, bool allowZero)
    {
        if (Find(setting) is not { } found)
        {
            return fallback;
        }

        double? seconds = found.TomlValue switch
        {
            long number => number,
            double number => number,
            null when double.TryParse(found.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        if (seconds is { } value && WorkerOptionRules.SecondsToSpan(value, allowZero) is { } span)
        {
            return span;
        }

        Invalid(found, WorkerOptionRules.SecondsExpectation(allowZero));
        return fallback;
    }

    /// <summary>A list: flag/env text is comma-split, trimmed, empties dropped; a TOML array is used as-is.</summary>
    public IReadOnlyList<string> List(WorkerSetting setting, IReadOnlyList<string> fallback, Func<string, bool> itemIsValid, string expected)
    {
        if (Find(setting) is not { } found)
        {
            return fallback;
        }

        List<string> items;
        if (found.FilePath is null && found.Text is { } text)
        {
            items = [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        }
        else if (found.TomlValue is TomlArray array && array.All(item => item is string))
        {
            items = [.. array.Cast<string>()];
        }
        else
        {
            Invalid(found, "expected an array of strings");
            return fallback;
        }

        var bad = items.Where(item => !itemIsValid(item)).ToList();
        bad.ForEach(item => Invalid(found, expected, item));
        return bad.Count == 0 ? items : fallback;
    }

    private Found? Find(WorkerSetting setting)
    {
        if (commandLine.ValueOf(setting) is { } flagValue)
        {
            return new Found(setting, flagValue, null, null);
        }

        // An env var set to the empty string counts as unset, so `WORKER_SECRET=` in a compose or
        // systemd env file falls through to the file/default instead of becoming an empty value.
        if (getEnvironmentVariable(setting.EnvVar) is { Length: > 0 } envValue)
        {
            return new Found(setting, envValue, null, null);
        }

        return configFile.ValueOf(setting) is { } tomlValue
            ? new Found(setting, tomlValue as string, tomlValue, configFile.Path)
            : null;
    }

    private string? Invalid(Found found, string expected, string? shown = null)
    {
        var where = found.FilePath is null
            ? found.Setting.FlagAndEnv
            : $"{found.Setting.TomlKey} in config file {found.FilePath}";
        // stderr ends up in the journal: the secret is never echoed, whatever shape it was given in.
        var value = found.Setting == WorkerSettings.WorkerSecret
            ? string.Empty
            : $" '{shown ?? found.Text ?? TomlDisplay(found.TomlValue)}'";
        errors.Add($"error: invalid value{value} for {where}: {expected}");
        InvalidSettings.Add(found.Setting);
        return null;
    }

    private static string TomlDisplay(object? value) => value switch
    {
        TomlArray array => $"[{string.Join(", ", array.Select(TomlDisplay))}]",
        TomlTable => "{…}",
        string text => $"\"{text}\"",
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? string.Empty,
    };

    /// <summary>The winning source's value: text from a flag, env var or TOML string; the raw TOML value otherwise.</summary>
    private sealed record Found(WorkerSetting Setting, string? Text, object? TomlValue, string? FilePath);
}
