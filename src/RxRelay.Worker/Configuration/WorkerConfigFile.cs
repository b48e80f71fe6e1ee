using Tomlyn;
using Tomlyn.Model;

namespace RxRelay.Worker.Configuration;

/// <summary>
/// The worker's optional TOML file (<c>--config FILE</c>). Top-level keys only; unknown keys are
/// ignored, as upstream does. Values stay in their TOML types until a setting reads them, so a wrong
/// type is reported against the key that has it.
/// </summary>
internal sealed class WorkerConfigFile
{
    private static readonly WorkerConfigFile Empty = new(string.Empty, new TomlTable());

    private readonly TomlTable _table;

    private WorkerConfigFile(string path, TomlTable table)
    {
        Path = path;
        _table = table;
    }

    /// <summary>The path as given on the command line (used in messages).</summary>
    public string Path { get; }

    /// <summary>The raw TOML value of a key, or null when the file does not set it.</summary>
    public object? ValueOf(WorkerSetting setting) => _table.TryGetValue(setting.TomlKey, out var value) ? value : null;

    /// <summary>Reads and parses the file; on failure returns an empty file and one error line.</summary>
    public static WorkerConfigFile Load(string? path, out string? error)
    {
        error = null;
        if (path is null)
        {
            return Empty;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"error: failed to read config file {path}: {OneLine(ex.Message)}";
            return Empty;
        }

        try
        {
            return new WorkerConfigFile(path, TomlSerializer.Deserialize<TomlTable>(text) ?? new TomlTable());
        }
        catch (TomlException ex)
        {
            error = $"error: failed to parse config file {path}: {OneLine(ex.Message)}";
            return Empty;
        }
    }

    // Every error is one line on stderr; parser messages can span several.
    private static string OneLine(string message)
        => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
