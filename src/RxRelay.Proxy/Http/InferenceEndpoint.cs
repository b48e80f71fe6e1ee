using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.ApiKeys;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Hosting;
using RxRelay.Proxy.Monitoring;

namespace RxRelay.Proxy.Http;

/// <summary>
/// <c>POST /v1/chat/completions</c>, <c>/v1/messages</c>, <c>/v1/responses</c>: validate in upstream's
/// order (docs/protocol.md#http-processing-order), submit to the dispatcher under the proxy's provider, then relay the outcome.
/// </summary>
internal sealed partial class InferenceEndpoint(
    Dispatcher dispatcher,
    IApiKeyStore keys,
    ProxyOptions options,
    ShutdownState shutdown,
    TimeProvider time,
    ILogger<InferenceEndpoint> logger)
{
    /// <summary>The three relayed paths.</summary>
    public static readonly string[] Paths = ["/v1/chat/completions", "/v1/messages", "/v1/responses"];

    /// <summary>The entry of <see cref="Paths"/> equal to <paramref name="path"/> (a shared string for metric labels), or null.</summary>
    public static string? PathOf(PathString path)
    {
        foreach (var known in Paths)
        {
            if (path.Equals(known, StringComparison.Ordinal))
            {
                return known;
            }
        }

        return null;
    }

    /// <summary>The handler of one path.</summary>
    public RequestDelegate For(string endpointPath) => context => HandleAsync(context, endpointPath);

    private async Task HandleAsync(HttpContext context, string endpointPath)
    {
        // The request timeout covers everything until response headers, body reading included (docs/protocol.md#http-request-timeout).
        using var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        if (options.RequestTimeout > TimeSpan.Zero)
        {
            timeout.CancelAfter(options.RequestTimeout);
        }

        var observation = RequestObservation.Of(context);
        if (shutdown.IsDraining)
        {
            observation?.End(RequestOutcome.QueueFull);
            await PlainTextResponses.WriteUnavailableAsync(context, PlainTextResponses.ShuttingDown);
            return;
        }

        if (await ReadSubmissionAsync(context, endpointPath, timeout.Token) is not { } submit)
        {
            return;
        }

        var outcome = dispatcher.Submit(submit);
        observation?.Submitted(outcome.RequestId);
        if (outcome.Handle is not { } handle)
        {
            observation?.End(RequestOutcomes.Of(outcome.Rejection!.Kind));
            InferenceLog.Rejected(logger, outcome.RequestId, outcome.Rejection!.Message);
            await PlainTextResponses.WriteUnavailableAsync(context, outcome.Rejection.Message);
            return;
        }

        await RelayAsync(context, handle, timeout, observation);
    }

    /// <summary>Body, API key, JSON; writes the error response and returns null when any step fails.</summary>
    private async Task<SubmitRequest?> ReadSubmissionAsync(HttpContext context, string endpointPath, CancellationToken timeout)
    {
        var observation = RequestObservation.Of(context);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeout);
        RequestBodyReader.Result body;
        try
        {
            body = await RequestBodyReader.ReadAsync(context.Request, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            observation?.End(RequestOutcome.RequestTimeout);
            PlainTextResponses.Empty(context, StatusCodes.Status408RequestTimeout);
            return null;
        }
        catch (BadHttpRequestException refused)
        {
            // Kestrel refused the body mid-read (under the minimum data rate: 408; bad framing: 400).
            // Returning without a response would send an empty 200.
            InferenceLog.BodyRefused(logger, refused.StatusCode, refused.Message);
            observation?.End(refused.StatusCode == StatusCodes.Status408RequestTimeout ? RequestOutcome.RequestTimeout : RequestOutcome.BadRequest);
            await BodyReadErrors.WriteAsync(context, refused);
            return null;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            observation?.End(RequestOutcome.ClientDisconnect);
            return null; // the client went away mid-body; nothing was submitted
        }

        return await ValidateAsync(context, endpointPath, body, observation);
    }

    private async Task<SubmitRequest?> ValidateAsync(
        HttpContext context, string endpointPath, RequestBodyReader.Result body, RequestObservation? observation)
    {
        if (body.Text is not { } text)
        {
            observation?.End(RequestOutcome.BadRequest);
            if (body.ErrorStatus == StatusCodes.Status413PayloadTooLarge)
            {
                await PlainTextResponses.WriteAsync(context, body.ErrorStatus, PlainTextResponses.BodyTooLarge);
            }
            else
            {
                PlainTextResponses.Empty(context, body.ErrorStatus);
            }

            return null;
        }

        string? tenant = null;
        if (options.RequireApiKeys || options.AllowApiKeyWorkers)
        {
            var key = await ClientApiKeyCheck.CheckAsync(context.Request.Headers, keys, context.RequestAborted);
            if (options.RequireApiKeys && !key.IsValid)
            {
                observation?.End(RequestOutcome.Unauthorized);
                await ClientApiKeyCheck.WriteRefusalAsync(context, key);
                return null;
            }

            // Keys optional (--allow-api-key-workers alone): a valid one still reaches its own key workers; anything else is no key.
            tenant = key.KeyId;
        }

        if (InferenceRequestParser.Parse(text) is not { } fields)
        {
            observation?.End(RequestOutcome.BadRequest);
            PlainTextResponses.Empty(context, StatusCodes.Status400BadRequest);
            return null;
        }

        observation?.Describe(fields.Model, fields.Stream);
        var headers = WorkerHeaderForwarding.From(context.Request.Headers, observation?.Id);
        return new SubmitRequest(options.Provider, fields.Model, endpointPath, fields.Stream, text, headers, tenant, observation);
    }
}
