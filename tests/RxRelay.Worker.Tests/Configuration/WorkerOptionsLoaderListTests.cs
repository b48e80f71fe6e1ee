namespace RxRelay.Worker.Tests.Configuration;

public sealed class WorkerOptionsLoaderListTests : IDisposable
{
    private readonly LoaderHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Theory]
    [InlineData(" a, ,b ,", new[] { "a", "b" })]
    [InlineData("a", new[] { "a" })]
    [InlineData("a,,b", new[] { "a", "b" })]
    [InlineData(" * ", new[] { "*" })]
    [InlineData("a,a", new[] { "a", "a" })]
    public void Load_ModelsFlag_IsCommaSplitTrimmedWithEmptiesDropped(string value, string[] expected)
    {
        Assert.Equal(expected, harness.LoadValid("--worker-secret", "s", "--models", value).Models);
    }

    [Fact]
    public void Load_ModelsEnv_IsCommaSplitTrimmedWithEmptiesDropped()
    {
        harness.Environment["WORKER_SECRET"] = "s";
        harness.Environment["MODELS"] = " a, ,b ,";

        Assert.Equal(["a", "b"], harness.LoadValid().Models);
    }

    [Fact]
    public void Load_ModelsTomlArray_IsUsedAsIs()
    {
        var path = harness.WriteToml("worker_secret = \"s\"\nmodels = [\" a \", \"b,c\", \"a\"]\n");

        Assert.Equal([" a ", "b,c", "a"], harness.LoadValid("--config", path).Models);
    }

    [Fact]
    public void Load_ModelsFlagWithOnlyCommas_ReportsNoModels()
    {
        var result = harness.Load("--worker-secret", "s", "--models", " , ,");

        Assert.Equal(["error: no models configured (--models, MODELS env, or config file): expected at least one model name"], result.Errors);
    }

    [Fact]
    public void Load_ExtraEndpointPathsRepeated_AreDeduplicatedInOrder()
    {
        var options = harness.LoadValid("--worker-secret", "s", "--extra-endpoint-paths", "/v1/rerank, /v1/embeddings,/v1/rerank,");

        Assert.Equal(["/v1/rerank", "/v1/embeddings"], options.ExtraEndpointPaths);
    }

    [Theory]
    [InlineData("0.25", 250)]
    [InlineData("1.5", 1500)]
    [InlineData("90", 90_000)]
    [InlineData("1e1", 10_000)]
    public void Load_IdleTimeoutFractional_IsExact(string value, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), harness.LoadValid("--worker-secret", "s", "--idle-timeout-secs", value).IdleTimeout);
    }

    [Fact]
    public void Load_ShutdownTimeoutFractionalInToml_IsExact()
    {
        var path = harness.WriteToml("worker_secret = \"s\"\nshutdown_timeout_secs = 0.5\n");

        Assert.Equal(TimeSpan.FromMilliseconds(500), harness.LoadValid("--config", path).ShutdownTimeout);
    }

    [Theory]
    [InlineData("http://relay.example/", "http://relay.example/")]
    [InlineData("ws://127.0.0.1:8080", "ws://127.0.0.1:8080")]
    [InlineData("https://relay.example/base", "https://relay.example/base")]
    public void Load_ProxyUrlAccepted_IsKeptAsGiven(string value, string expected)
    {
        Assert.Equal(expected, harness.LoadValid("--worker-secret", "s", "--proxy-url", value).ProxyUrl);
    }
}
