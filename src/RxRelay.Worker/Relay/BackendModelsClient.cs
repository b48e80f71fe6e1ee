using System.Text.Json;

namespace RxRelay.Worker.Relay;

/// <summary>
/// <c>GET {backend}/v1/models</c> and the ids in its OpenAI-style <c>data</c> array. Anything else
/// (non-2xx, not JSON, no <c>data</c> array) is a <see cref="BackendModelsException"/>.
/// </summary>
internal static class BackendModelsClient
{
    /// <summary>The path every supported backend (llama.cpp, vLLM, Ollama, LM Studio) serves its catalog on.</summary>
    public const string ModelsPath = "/v1/models";

    /// <summary>The discovered ids in backend order; non-string ids are skipped.</summary>
    public static async Task<IReadOnlyList<string>> FetchAsync(BackendHttp backend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        using var response = await backend.Client.GetAsync(backend.UriFor(ModelsPath), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new BackendModelsException($"backend {ModelsPath} answered {(int)response.StatusCode}");
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return Parse(body);
    }

    /// <summary>The <c>data[].id</c> strings of a models document.</summary>
    internal static IReadOnlyList<string> Parse(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new BackendModelsException($"backend {ModelsPath} did not answer JSON", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Array)
            {
                throw new BackendModelsException($"backend {ModelsPath} answer has no data array");
            }

            var ids = new List<string>();
            foreach (var entry in data.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object
                    && entry.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    ids.Add(id.GetString()!);
                }
            }

            return ids;
        }
    }
}

/// <summary>The backend's <c>/v1/models</c> answer could not be used.</summary>
internal sealed class BackendModelsException : Exception
{
    public BackendModelsException(string message)
        : base(message)
    {
    }

    public BackendModelsException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
