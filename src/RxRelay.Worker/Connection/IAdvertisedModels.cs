namespace RxRelay.Worker.Connection;

/// <summary>The model list each <c>register</c> carries, read at every connect (it can change between sessions).</summary>
internal interface IAdvertisedModels
{
    IReadOnlyList<string> Current { get; }
}

/// <summary>A list that never changes: the configured models as they are.</summary>
internal sealed class FixedModels(IReadOnlyList<string> models) : IAdvertisedModels
{
    public IReadOnlyList<string> Current => models;
}
