namespace RxRelay.Worker.Tests.Configuration;

public sealed class WorkerOptionsLoaderListTests : IDisposable
{
    private readonly LoaderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData(" a, ,b ,", new[] { "a", "b" })]
    [InlineData("a", new[] { "a" })]
    [InlineData("a,,b", new[] { "a", "b" })]
    [InlineData(" * ", new[] { "*" })]
    [InlineData("a,a", new[] { "a", "a" })]
    public void Load_ModelsFlag_IsCommaSplitTrimmedWithEmptiesDropped(string value, string[] expected)
    {
        Assert.Equal(expected, _harness.LoadValid("--worker-secret", "s", "--models", value).Models);
    }

    [Fact]
    public void Load_ModelsEnv_IsCommaSplitTrimmedWithEmptiesDropped()
    {
        _harness.Environment["WORKER_SECRET"] = "s";
        _harness.Environment["MODELS"] = " a, ,b ,";

        Assert.Equal(["a", "b"], _harness.LoadValid().Models);
    }

    [Fact]
    public void Load_ModelsTomlArray_IsUsedAsIs()
    {
        var path = _harness.WriteToml("worker_secret = \"s\"\nmodels = [\" a \", \"b,c\", \"a\"]\n");

        Assert.Equal([" a ", "b,c", "a"], _harness.LoadValid("--config", path).Models);
    }

    [Fact]
    public void Load_ModelsFlagWithOnlyCommas_ReportsNoModels()
    {
        var result = _harness.Load("--worker-secret", "s", "--models", " , ,");

        Assert.Equal(["error: no models configured (--models, MODELS env, or config file): expected at least one model name"], result.Errors);
    }

    [Fact]
    public void Load_ExtraEndpointPathsRepeated_AreDeduplicatedInOrder()
    {
        var options = _harness.LoadValid("--worker-secret", "s", "--extra-endpoint-paths", "/v1/rerank, /v1/embeddings,/v1/rerank,");

        Assert.Equal(["/v1/rerank", "/v1/embeddings"], options.ExtraEndpointPaths);
    }

    [Theory]
    [InlineData("0.25", 250)]
    [InlineData("1.5", 1500)]
    [InlineData("90", 90_000)]
    [InlineData("1e1", 10_000)]
    public void Load_IdleTimeoutFractional_IsExact(string value, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), _harness.LoadValid("--worker-secret", "s", "--idle-timeout-secs", value).IdleTimeout);
    }

    [Fact]
    public void Load_ShutdownTimeoutFractionalInToml_IsExact()
    {
        var path = _harness.WriteToml("worker_secret = \"s\"\nshutdown_timeout_secs = 0.5\n");

        Assert.Equal(TimeSpan.FromMilliseconds(500), _harness.LoadValid("--config", path).ShutdownTimeout);
    }

    [Theory]
    [InlineData("http://relay.example/", "http://relay.example/")]
    [InlineData("ws://127.0.0.1:8080", "ws://127.0.0.1:8080")]
    [InlineData("https://relay.example/base", "https://relay.example/base")]
    public void Load_ProxyUrlAccepted_IsKeptAsGiven(string value, string expected)
    {
        Assert.Equal(expected, _harness.LoadValid("--worker-secret", "s", "--proxy-url", value).ProxyUrl);
    }
}
