using RxRelay.Worker.Connection;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Hosting;

/// <summary>Registers with what the relay's catalog currently holds (wildcard resolved, last refresh applied).</summary>
internal sealed class CatalogModels(ModelCatalog catalog) : IAdvertisedModels
{
    public IReadOnlyList<string> Current => catalog.Current;
}
