namespace RxRelay.Proxy.Dispatch;

/// <summary>A provider and one model it serves; <see cref="ModelList.Wildcard"/> as the model means any model of the provider.</summary>
internal readonly record struct ModelKey(string Provider, string Model)
{
    /// <summary>Whether a request for <paramref name="model"/> of <paramref name="provider"/> fits this key.</summary>
    public bool Covers(string provider, string model) =>
        string.Equals(Provider, provider, StringComparison.Ordinal)
        && (string.Equals(Model, model, StringComparison.Ordinal) || Model == ModelList.Wildcard);
}
