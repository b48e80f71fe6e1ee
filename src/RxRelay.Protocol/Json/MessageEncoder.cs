using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Json;

/// <summary>
/// The member order of every message, from the tables of docs/protocol.md#frames-proxy-to-worker and
/// docs/protocol.md#frames-worker-to-proxy (upstream's struct declaration order, which serde follows).
/// This is the one place that order lives.
/// </summary>
internal static class MessageEncoder
{
    /// <summary>Writes a proxy → worker message.</summary>
    public static void Write(ProtocolWriter w, ProxyMessage message)
    {
        switch (message)
        {
            case RegisterAck m:
                w.StartMessage("register_ack"u8);
                w.String("worker_id"u8, m.WorkerId);
                w.StringArray("models"u8, m.Models);
                w.NonEmptyStringArray("warnings"u8, m.Warnings);
                w.OptionalString("protocol_version"u8, m.ProtocolVersion);
                break;
            case WorkerRequest m:
                w.StartMessage("request"u8);
                w.String("request_id"u8, m.RequestId);
                w.String("model"u8, m.Model);
                w.String("endpoint_path"u8, m.EndpointPath);
                w.Bool("is_streaming"u8, m.IsStreaming);
                w.String("body"u8, m.Body);
                w.NonEmptyHeaders("headers"u8, m.Headers);
                break;
            case CancelRequest m:
                w.StartMessage("cancel"u8);
                w.String("request_id"u8, m.RequestId);
                w.Reason("reason"u8, m.Reason);
                break;
            case Ping m:
                w.StartMessage("ping"u8);
                w.OptionalUnsigned("timestamp_unix_ms"u8, m.TimestampUnixMs);
                break;
            case GracefulShutdown m:
                w.StartMessage("graceful_shutdown"u8);
                w.OptionalString("reason"u8, m.Reason);
                w.OptionalUnsigned("drain_timeout_secs"u8, m.DrainTimeoutSecs);
                break;
            case ModelsRefresh m:
                w.StartMessage("models_refresh"u8);
                w.OptionalString("reason"u8, m.Reason);
                break;
            default:
                throw new ArgumentException($"unsupported proxy message {message?.GetType().Name ?? "null"}", nameof(message));
        }

        w.EndObject();
    }

    /// <summary>Writes a worker → proxy message.</summary>
    public static void Write(ProtocolWriter w, WorkerMessage message)
    {
        switch (message)
        {
            case Register m:
                w.StartMessage("register"u8);
                w.String("worker_name"u8, m.WorkerName);
                w.StringArray("models"u8, m.Models);
                w.Unsigned("max_concurrent"u8, m.MaxConcurrent);
                w.OptionalString("protocol_version"u8, m.ProtocolVersion);
                w.OptionalUnsigned("current_load"u8, m.CurrentLoad);
                break;
            case ModelsUpdate m:
                w.StartMessage("models_update"u8);
                w.StringArray("models"u8, m.Models);
                w.Unsigned("current_load"u8, m.CurrentLoad);
                break;
            case ResponseChunk m:
                w.StartMessage("response_chunk"u8);
                w.String("request_id"u8, m.RequestId);
                w.String("chunk"u8, m.Chunk);
                break;
            case ResponseComplete m:
                w.StartMessage("response_complete"u8);
                w.String("request_id"u8, m.RequestId);
                w.Unsigned("status_code"u8, m.StatusCode);
                w.NonEmptyHeaders("headers"u8, m.Headers);
                w.OptionalString("body"u8, m.Body);
                w.OptionalTokenCounts("token_counts"u8, m.TokenCounts);
                break;
            case Pong m:
                w.StartMessage("pong"u8);
                w.Unsigned("current_load"u8, m.CurrentLoad);
                w.OptionalUnsigned("timestamp_unix_ms"u8, m.TimestampUnixMs);
                break;
            case ErrorMessage m:
                w.StartMessage("error"u8);
                w.OptionalString("request_id"u8, m.RequestId);
                w.String("code"u8, m.Code);
                w.String("message"u8, m.Message);
                break;
            default:
                throw new ArgumentException($"unsupported worker message {message?.GetType().Name ?? "null"}", nameof(message));
        }

        w.EndObject();
    }
}
