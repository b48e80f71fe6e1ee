using Microsoft.AspNetCore.Http;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Http;

namespace RxRelay.Proxy.Health;

/// <summary>
/// <c>GET /v1/models</c> (docs/protocol.md#http-models): the OpenAI list shape, <c>owned_by: worker-proxy</c>, no
/// <c>created</c>; never requires an API key. The catalog rules live in the dispatcher; in cluster mode the
/// whole cluster's models are listed (<see cref="ClusterCatalog"/>).
/// </summary>
internal sealed class ModelsEndpoint(Dispatcher dispatcher, ProxyOptions options, ClusterDirectory? directory = null)
{
    /// <summary>Handles one request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var models = directory is null
            ? dispatcher.GetModelCatalog(options.Provider, context.RequestAborted)
            : ClusterCatalog.For(options.Provider, dispatcher.GetSnapshot(context.RequestAborted).Workers, directory.Current);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var model in models)
            {
                w.WriteStartObject();
                w.WriteString("id", model);
                w.WriteString("object", "model");
                w.WriteString("owned_by", "worker-proxy");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
