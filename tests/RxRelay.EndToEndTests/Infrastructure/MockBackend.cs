namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>The scripted backend every scenario runs against: it lists the OpenAI model the workers serve.</summary>
internal static class MockBackend
{
    private static readonly ScriptedBackendOptions Options = new() { Models = [Bodies.OpenAiModel] };

    public static Task<ScriptedBackend> StartAsync() => ScriptedBackend.StartAsync(options: Options);
}
