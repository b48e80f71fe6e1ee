using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxRelay.Bench.Report;

/// <summary>How every results file of the harness is written: snake_case, indented, nulls left out, its folder created.</summary>
internal static class BenchJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="document"/> to <paramref name="path"/>, replacing what was there.</summary>
    public static async Task WriteAsync(string path, object document, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, document, document.GetType(), Options, cancellationToken).ConfigureAwait(false);
        }
    }
}
