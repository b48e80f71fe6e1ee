using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Monitoring;

/// <summary>How one inference request ended: the <c>outcome</c> label of <c>rxrelay_requests_total</c> and of the access log.</summary>
internal enum RequestOutcome
{
    /// <summary>The worker's answer reached the client (any status below 500, or a finished stream).</summary>
    Ok,

    /// <summary>The worker answered 5xx (its backend failed or was unreachable), or the answer was unusable.</summary>
    BackendError,

    /// <summary>Refused at once with 503: the queue was full, no worker serves the model, or the proxy is shutting down.</summary>
    QueueFull,

    /// <summary>Waited the whole queue timeout without a worker.</summary>
    QueueTimeout,

    /// <summary>Lost its worker more often than the requeue cap allows.</summary>
    RequeueExhausted,

    /// <summary>No response headers within the request timeout (408), body reading included.</summary>
    RequestTimeout,

    /// <summary>The client went away, or read a stream too slowly.</summary>
    ClientDisconnect,

    /// <summary>The worker went away after the stream started, or the shutdown drain ended with the request in flight.</summary>
    WorkerLost,

    /// <summary>401 (missing or unknown client API key) or 429 (too many failed keys).</summary>
    Unauthorized,

    /// <summary>400 or 413: a body that is not a valid request.</summary>
    BadRequest,
}

/// <summary>Label texts and the mapping from dispatcher failures.</summary>
internal static class RequestOutcomes
{
    private static readonly string[] Labels =
    [
        "ok", "backend_error", "queue_full", "queue_timeout", "requeue_exhausted",
        "request_timeout", "client_disconnect", "worker_lost", "unauthorized", "bad_request",
    ];

    /// <summary>The label text, e.g. <c>queue_timeout</c>; a shared string, no allocation.</summary>
    public static string Label(this RequestOutcome outcome) => Labels[(int)outcome];

    /// <summary>The outcome a request gets when the dispatcher ends it with <paramref name="kind"/>.</summary>
    public static RequestOutcome Of(DispatchFailureKind kind) => kind switch
    {
        DispatchFailureKind.QueueTimeout => RequestOutcome.QueueTimeout,
        DispatchFailureKind.QueueFull or DispatchFailureKind.NoWorkersAvailable or DispatchFailureKind.NoCapacity => RequestOutcome.QueueFull,
        DispatchFailureKind.RequeueExhausted => RequestOutcome.RequeueExhausted,
        DispatchFailureKind.DrainTimedOut or DispatchFailureKind.WorkerDisconnectedMidStream or DispatchFailureKind.WorkerLost => RequestOutcome.WorkerLost,
        DispatchFailureKind.Canceled or DispatchFailureKind.ClientTooSlow => RequestOutcome.ClientDisconnect,
        _ => RequestOutcome.BackendError,
    };

    /// <summary>
    /// The outcome a finished response implies when nothing more specific was noted: used for answers
    /// written outside the route (the API-key guard's 429) and as a fallback.
    /// </summary>
    public static RequestOutcome OfStatus(int status) => status switch
    {
        401 or 403 or 429 => RequestOutcome.Unauthorized,
        400 or 413 or 415 => RequestOutcome.BadRequest,
        408 => RequestOutcome.RequestTimeout,
        503 => RequestOutcome.QueueFull,
        >= 500 => RequestOutcome.BackendError,
        _ => RequestOutcome.Ok,
    };
}
