namespace RxRelay.Worker.Tests.Configuration;

public sealed class WorkerOptionsLoaderPrecedenceTests : IDisposable
{
    private readonly LoaderHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData("--worker-name", "WORKER_NAME", "worker_name")]
    [InlineData("--provider", "PROVIDER_NAME", "provider")]
    [InlineData("--worker-secret", "WORKER_SECRET", "worker_secret")]
    public void Load_TextSettingInAllSources_FlagBeatsEnvBeatsFile(string flag, string env, string key)
    {
        var path = _harness.WriteToml($"worker_secret = \"file-secret\"\n{key} = \"from-file\"\n");
        _harness.Environment[env] = "from-env";

        Assert.Equal("from-flag", Pick(_harness.LoadValid("--config", path, flag, "from-flag"), key));
        Assert.Equal("from-env", Pick(_harness.LoadValid("--config", path), key));
        _harness.Environment.Remove(env);
        Assert.Equal("from-file", Pick(_harness.LoadValid("--config", path), key));
    }

    [Fact]
    public void Load_MaxConcurrencyInAllSources_FlagBeatsEnvBeatsFileBeatsDefault()
    {
        var path = _harness.WriteToml("worker_secret = \"s\"\nmax_concurrency = 3\n");
        var noFile = _harness.WriteToml("worker_secret = \"s\"\n");
        _harness.Environment["MAX_CONCURRENCY"] = "2";

        Assert.Equal(1u, _harness.LoadValid("--config", noFile, "--max-concurrency=1").MaxConcurrency);
        Assert.Equal(5u, _harness.LoadValid("--config", path, "--max-concurrency", "5").MaxConcurrency);
        Assert.Equal(2u, _harness.LoadValid("--config", path).MaxConcurrency);
        _harness.Environment.Remove("MAX_CONCURRENCY");
        Assert.Equal(3u, _harness.LoadValid("--config", path).MaxConcurrency);
        Assert.Equal(1u, _harness.LoadValid("--config", noFile).MaxConcurrency);
    }

    [Fact]
    public void Load_ModelsInAllSources_FlagBeatsEnvBeatsFileBeatsDefault()
    {
        var path = _harness.WriteToml("worker_secret = \"s\"\nmodels = [\"file-model\"]\n");
        _harness.Environment["MODELS"] = "env-model";

        Assert.Equal(["flag-model"], _harness.LoadValid("--config", path, "--models", "flag-model").Models);
        Assert.Equal(["env-model"], _harness.LoadValid("--config", path).Models);
        _harness.Environment.Remove("MODELS");
        Assert.Equal(["file-model"], _harness.LoadValid("--config", path).Models);
        Assert.Equal(["default"], _harness.LoadValid("--worker-secret", "s").Models);
    }

    [Fact]
    public void Load_BadEnvValueOverriddenByFlag_IsNotReported()
    {
        _harness.Environment["MAX_CONCURRENCY"] = "abc";

        Assert.Equal(2u, _harness.LoadValid("--worker-secret", "s", "--max-concurrency", "2").MaxConcurrency);
    }

    private static string Pick(RxRelay.Worker.Configuration.WorkerOptions options, string key) => key switch
    {
        "worker_name" => options.WorkerName,
        "provider" => options.Provider,
        "worker_secret" => options.WorkerSecret,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };
}
