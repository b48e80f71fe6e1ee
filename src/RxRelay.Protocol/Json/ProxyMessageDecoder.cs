using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Json;

/// <summary>Builds proxy → worker messages (docs/protocol.md#frames-proxy-to-worker) from a frame the scanner accepted.</summary>
internal static class ProxyMessageDecoder
{
    /// <summary>The <c>type</c> tags a worker understands, indexed as <see cref="Decode"/> switches on them.</summary>
    public static FieldNames Types { get; } = new("", "register_ack", "request", "cancel", "ping", "graceful_shutdown", "models_refresh");

    private static readonly FieldNames AckFields = new("", "worker_id", "models", "warnings", "protocol_version");
    private static readonly FieldNames RequestFields = new("", "request_id", "model", "endpoint_path", "is_streaming", "body", "headers");
    private static readonly FieldNames CancelFields = new("", "request_id", "reason");
    private static readonly FieldNames PingFields = new("", "timestamp_unix_ms");
    private static readonly FieldNames ShutdownFields = new("", "reason", "drain_timeout_secs");
    private static readonly FieldNames RefreshFields = new("", "reason");

    /// <summary>Decodes the message of type index <paramref name="type"/> (from <see cref="FrameScanner.FindType"/>).</summary>
    public static ProxyMessage Decode(ReadOnlySpan<byte> utf8, int type)
    {
        var r = new JsonFieldReader(utf8);
        return type switch
        {
            0 => ReadAck(ref r),
            1 => ReadRequest(ref r),
            2 => ReadCancel(ref r),
            3 => ReadPing(ref r),
            4 => ReadShutdown(ref r),
            _ => ReadRefresh(ref r),
        };
    }

    private static RegisterAck ReadAck(ref JsonFieldReader r)
    {
        string? workerId = null, version = null;
        IReadOnlyList<string>? models = null, warnings = null;
        uint seen = 0;
        int field;
        while ((field = r.NextField(AckFields, ref seen)) >= 0)
        {
            switch (field)
            {
                case 0: workerId = r.RequiredString(); break;
                case 1: models = r.RequiredStringArray(); break;
                case 2: warnings = r.DefaultedStringArray(); break;
                default: version = r.OptionalString(); break;
            }
        }

        return new RegisterAck(
            workerId ?? throw JsonFieldReader.Missing("worker_id"),
            models ?? throw JsonFieldReader.Missing("models"),
            warnings ?? [],
            version);
    }

    private static WorkerRequest ReadRequest(ref JsonFieldReader r)
    {
        string? requestId = null, model = null, endpointPath = null, body = null;
        bool? isStreaming = null;
        IReadOnlyDictionary<string, string>? headers = null;
        uint seen = 0;
        int field;
        while ((field = r.NextField(RequestFields, ref seen)) >= 0)
        {
            switch (field)
            {
                case 0: requestId = r.RequiredString(); break;
                case 1: model = r.RequiredString(); break;
                case 2: endpointPath = r.RequiredString(); break;
                case 3: isStreaming = r.RequiredBool(); break;
                case 4: body = r.RequiredString(); break;
                default: headers = r.HeaderMap(); break;
            }
        }

        return new WorkerRequest(
            requestId ?? throw JsonFieldReader.Missing("request_id"),
            model ?? throw JsonFieldReader.Missing("model"),
            endpointPath ?? throw JsonFieldReader.Missing("endpoint_path"),
            isStreaming ?? throw JsonFieldReader.Missing("is_streaming"),
            body ?? throw JsonFieldReader.Missing("body"),
            headers ?? JsonFieldReader.EmptyHeaders);
    }

    private static CancelRequest ReadCancel(ref JsonFieldReader r)
    {
        string? requestId = null;
        CancelReason? reason = null;
        uint seen = 0;
        int field;
        while ((field = r.NextField(CancelFields, ref seen)) >= 0)
        {
            if (field == 0)
            {
                requestId = r.RequiredString();
            }
            else
            {
                reason = r.RequiredCancelReason();
            }
        }

        return new CancelRequest(
            requestId ?? throw JsonFieldReader.Missing("request_id"),
            reason ?? throw JsonFieldReader.Missing("reason"));
    }

    private static Ping ReadPing(ref JsonFieldReader r)
    {
        ulong? timestamp = null;
        uint seen = 0;
        while (r.NextField(PingFields, ref seen) >= 0)
        {
            timestamp = r.OptionalU64();
        }

        return new Ping(timestamp);
    }

    private static GracefulShutdown ReadShutdown(ref JsonFieldReader r)
    {
        string? reason = null;
        ulong? drainTimeout = null;
        uint seen = 0;
        int field;
        while ((field = r.NextField(ShutdownFields, ref seen)) >= 0)
        {
            if (field == 0)
            {
                reason = r.OptionalString();
            }
            else
            {
                drainTimeout = r.OptionalU64();
            }
        }

        return new GracefulShutdown(reason, drainTimeout);
    }

    private static ModelsRefresh ReadRefresh(ref JsonFieldReader r)
    {
        string? reason = null;
        uint seen = 0;
        while (r.NextField(RefreshFields, ref seen) >= 0)
        {
            reason = r.OptionalString();
        }

        return new ModelsRefresh(reason);
    }
}
