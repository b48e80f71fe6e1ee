using System.Text.Json;

namespace RxRelay.EchoBackend;

/// <summary>
/// The routes. Plain <see cref="RequestDelegate"/>s: no model binding, no reflection-based JSON on
/// the hot path. Any model id is answered; <c>--models</c> only shapes <c>GET /v1/models</c>.
/// </summary>
internal sealed class EchoEndpoints
{
    private readonly EchoBackendOptions _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly Dictionary<EchoApi, EchoApiWriter> _writers;
    private long _sequence;

    private EchoEndpoints(EchoBackendOptions options, IHostApplicationLifetime lifetime, ILogger logger)
    {
        _options = options;
        _lifetime = lifetime;
        _logger = logger;
        _writers = new()
        {
            [EchoApi.ChatCompletions] = new ChatCompletionsWriter(options.TimeProvider),
            [EchoApi.Responses] = new ResponsesWriter(options.TimeProvider),
            [EchoApi.AnthropicMessages] = new AnthropicMessagesWriter(options.TimeProvider),
        };
    }

    /// <summary>Maps every route onto <paramref name="app"/>.</summary>
    public static void Map(WebApplication app, EchoBackendOptions options)
    {
        var endpoints = new EchoEndpoints(options, app.Lifetime, app.Logger);
        app.MapGet("/v1/models", (RequestDelegate)endpoints.ListModelsAsync);
        app.MapGet("/health", (RequestDelegate)(context => context.Response.WriteAsync("ok\n")));
        app.MapPost("/v1/chat/completions", (RequestDelegate)(context => endpoints.AnswerAsync(context, EchoApi.ChatCompletions)));
        app.MapPost("/v1/responses", (RequestDelegate)(context => endpoints.AnswerAsync(context, EchoApi.Responses)));
        app.MapPost("/v1/messages", (RequestDelegate)(context => endpoints.AnswerAsync(context, EchoApi.AnthropicMessages)));
    }

    private async Task ListModelsAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(context.Response.BodyWriter, SseWriter.JsonOptions))
        {
            json.WriteStartObject();
            json.WriteString("object"u8, "list"u8);
            json.WriteStartArray("data"u8);
            foreach (var model in _options.Models)
            {
                json.WriteStartObject();
                json.WriteString("id"u8, model);
                json.WriteString("object"u8, "model"u8);
                json.WriteNumber("created"u8, 0);
                json.WriteString("owned_by"u8, "rxrelay-echo"u8);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private async Task AnswerAsync(HttpContext context, EchoApi api)
    {
        // A stop must end streams at once rather than hold the host for its shutdown timeout.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _lifetime.ApplicationStopping);
        try
        {
            var (request, error) = await EchoRequest.ReadAsync(context.Request, api, stop.Token);
            if (request is null)
            {
                EchoLog.BadRequest(_logger, context.Request.Path, error!);
                await EchoErrors.WriteBadRequestAsync(context.Response, api, error!, stop.Token);
                return;
            }

            var exchange = new EchoExchange(request, Interlocked.Increment(ref _sequence), _options.TimeProvider.GetUtcNow().ToUnixTimeSeconds());
            var writer = _writers[api];
            await (request.Stream
                ? writer.StreamAsync(context.Response, exchange, stop.Token)
                : writer.WriteCompleteAsync(context.Response, exchange, stop.Token));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away, or we are stopping: a stream cut short must not look complete.
            EchoLog.StreamStopped(_logger, context.Request.Path);
            context.Abort();
        }
    }
}
