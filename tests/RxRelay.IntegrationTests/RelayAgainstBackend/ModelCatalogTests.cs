using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RxRelay.Worker.Relay;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

/// <summary>
/// Start-up wildcard resolution (docs/protocol.md#models; upstream worker unit tests 12 and 13,
/// docs/differences-from-upstream.md#upstream-tests-unit).
/// </summary>
public sealed class ModelCatalogTests
{
    private static (ModelCatalog Catalog, FakeLogger<ModelCatalog> Log, BackendHttp Backend) CreateSut(string backendUrl, params string[] models)
    {
        var options = RelaySut.Options(backendUrl, 1, models);
        var backend = new BackendHttp(options);
        var log = new FakeLogger<ModelCatalog>();
        return (new ModelCatalog(options, backend, TimeProvider.System, log), log, backend);
    }

    private static Task<ScriptedBackend> ModelsBackendAsync(string json)
        => ScriptedBackend.StartAsync(context => context.Request.Path == "/v1/models"
            ? ReferenceBackend.WriteAsync(context.Response, 200, "application/json", json)
            : ReferenceBackend.WriteAsync(context.Response, 404, "text/plain", "not found"));

    [Fact]
    public async Task ResolveAsync_NoWildcard_ListUnchangedAndBackendNotAsked()
    {
        await using var models = await ModelsBackendAsync("""{"data":[{"id":"other"}]}""");
        var (catalog, log, backend) = CreateSut(models.Url, "llama-3.1-70b", "mistral-large");
        using (backend)
        {
            Assert.Equal(["llama-3.1-70b", "mistral-large"], await catalog.ResolveAsync(CancellationToken.None));
        }

        Assert.Equal(["llama-3.1-70b", "mistral-large"], catalog.Current);
        Assert.Empty(models.Calls);
        Assert.Empty(log.Lines);
    }

    [Fact]
    public async Task ResolveAsync_WildcardAndBackendLists_WholeListReplacedByDiscoveredIds()
    {
        await using var models = await ModelsBackendAsync("""{"object":"list","data":[{"id":"gpt-4.1-mini"},{"id":"claude-3-7-sonnet-20250219"}]}""");
        var (catalog, log, backend) = CreateSut(models.Url + "/", "llama", " * ");
        using (backend)
        {
            Assert.Equal(["gpt-4.1-mini", "claude-3-7-sonnet-20250219"], await catalog.ResolveAsync(CancellationToken.None));
        }

        Assert.Equal(["gpt-4.1-mini", "claude-3-7-sonnet-20250219"], catalog.Current);
        Assert.Equal("/v1/models", Assert.Single(models.Calls).Path);
        Assert.Equal(
            new LogLine(LogLevel.Information, 2150, "discovered models from backend /v1/models (count=2, models=gpt-4.1-mini,claude-3-7-sonnet-20250219)"),
            Assert.Single(log.Lines));
    }

    [Fact]
    public async Task ResolveAsync_WildcardAndBackendListsNothing_KeepsWildcardAndWarns()
    {
        await using var models = await ModelsBackendAsync("""{"data":[]}""");
        var (catalog, log, backend) = CreateSut(models.Url, "*");
        using (backend)
        {
            Assert.Equal(["*"], await catalog.ResolveAsync(CancellationToken.None));
        }

        Assert.Equal(["*"], catalog.Current);
        Assert.Equal(new LogLine(LogLevel.Warning, 2151, "backend /v1/models returned no models, keeping wildcard"), Assert.Single(log.Lines));
    }

    [Fact]
    public async Task ResolveAsync_WildcardAndUnreachableBackend_KeepsWildcardAndWarns()
    {
        var (catalog, log, backend) = CreateSut("http://127.0.0.1:1", "*");
        using (backend)
        {
            Assert.Equal(["*"], await catalog.ResolveAsync(CancellationToken.None));
        }

        Assert.Equal(["*"], catalog.Current);
        Assert.Equal(new LogLine(LogLevel.Warning, 2152, "failed to query backend /v1/models, keeping wildcard"), Assert.Single(log.Lines));
    }

    [Theory]
    [InlineData(500, """{"data":[{"id":"x"}]}""")]
    [InlineData(200, "not json")]
    [InlineData(200, """{"models":["x"]}""")]
    public async Task ResolveAsync_WildcardAndUnusableAnswer_KeepsWildcard(int status, string body)
    {
        await using var models = await ScriptedBackend.StartAsync(context => ReferenceBackend.WriteAsync(context.Response, status, "application/json", body));
        var (catalog, log, backend) = CreateSut(models.Url, "*");
        using (backend)
        {
            Assert.Equal(["*"], await catalog.ResolveAsync(CancellationToken.None));
        }

        Assert.Equal(2152, Assert.Single(log.Lines).EventId);
    }
}
