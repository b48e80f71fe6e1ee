using RxRelay.Worker.Configuration;

namespace RxRelay.Worker.Tests.Configuration;

/// <summary>Runs the loader against an in-memory environment and temporary TOML files, deleted on dispose.</summary>
internal sealed class LoaderHarness : IDisposable
{
    private readonly List<string> _files = [];

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public WorkerOptionsResult Load(params string[] args) => WorkerOptionsLoader.Load(args, name => Environment.GetValueOrDefault(name));

    /// <summary>Loads and insists on success, so a test about one field fails with the loader's errors when something else is wrong.</summary>
    public WorkerOptions LoadValid(params string[] args)
    {
        var result = Load(args);
        Assert.True(result.Options is not null, string.Join(System.Environment.NewLine, result.Errors));
        Assert.Empty(result.Errors);
        return result.Options;
    }

    public string WriteToml(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rxrelay-worker-{Guid.NewGuid():N}.toml");
        File.WriteAllText(path, content);
        _files.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var file in _files)
        {
            File.Delete(file);
        }
    }
}
