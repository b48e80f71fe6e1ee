namespace RxRelay.EndToEndTests.RealBackend;

/// <summary>A test against the real llama.cpp server: skipped, with the reason, where the kit is not found.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class LlamaFactAttribute : FactAttribute
{
    public LlamaFactAttribute()
    {
        if (LlamaServerLocation.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
