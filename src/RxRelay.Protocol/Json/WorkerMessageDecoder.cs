using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Json;

/// <summary>Builds worker → proxy messages (docs/protocol.md#frames-worker-to-proxy) from a frame the scanner accepted.</summary>
internal static class WorkerMessageDecoder
{
    /// <summary>The <c>type</c> tags a proxy understands, indexed as <see cref="Decode"/> switches on them.</summary>
    public static FieldNames Types { get; } = new("", "register", "models_update", "response_chunk", "response_complete", "pong", "error");

    private static readonly FieldNames RegisterFields = new("", "worker_name", "models", "max_concurrent", "protocol_version", "current_load");
    private static readonly FieldNames UpdateFields = new("", "models", "current_load");
    private static readonly FieldNames ChunkFields = new("", "request_id", "chunk");
    private static readonly FieldNames CompleteFields = new("", "request_id", "status_code", "headers", "body", "token_counts");
    private static readonly FieldNames PongFields = new("", "current_load", "timestamp_unix_ms");
    private static readonly FieldNames ErrorFields = new("", "request_id", "code", "message");

    /// <summary>Decodes the message of type index <paramref name="type"/> (from <see cref="FrameScanner.FindType"/>).</summary>
    public static WorkerMessage Decode(ReadOnlySpan<byte> utf8, int type)
    {
        var r = new JsonFieldReader(utf8);
        return type switch
        {
            0 => ReadRegister(ref r),
            1 => ReadUpdate(ref r),
            2 => ReadChunk(ref r),
            3 => ReadComplete(ref r),
            4 => ReadPong(ref r),
            _ => ReadError(ref r),
        };
    }

    private static Register ReadRegister(ref JsonFieldReader r)
    {
        string? name = null, version = null;
        IReadOnlyList<string>? models = null;
        uint? maxConcurrent = null, currentLoad = null;
        uint seen = 0;
        int field;
        while ((field = r.NextField(RegisterFields, ref seen)) >= 0)
        {
            switch (field)
            {
                case 0: name = r.RequiredString(); break;
                case 1: models = r.RequiredStringArray(); break;
                case 2: maxConcurrent = r.RequiredU32(); break;
                case 3: version = r.OptionalString(); break;
                default: currentLoad = r.OptionalU32(); break;
            }
        }

        return new Register(
            name ?? throw JsonFieldReader.Missing("worker_name"),
            models ?? throw JsonFieldReader.Missing("models"),
            maxConcurrent ?? throw JsonFieldReader.Missing("max_concurrent"),
            version,
            currentLoad);
    }

    private static ModelsUpdate ReadUpdate(ref JsonFieldReader r)
    {
        IReadOnlyList<string>? models = null;
        uint? currentLoad = null;
        uint seen = 0;
        int field;
        while ((field = r.NextField(UpdateFields, ref seen)) >= 0)
        {
            if (field == 0)
            {
                models = r.RequiredStringArray();
            }
            else
            {
                currentLoad = r.RequiredU32();
            }
        }

        return new ModelsUpdate(
            models ?? throw JsonFieldReader.Missing("models"),
            currentLoad ?? throw JsonFieldReader.Missing("current_load"));
    }

    private static ResponseChunk ReadChunk(ref JsonFieldReader r)
    {
        string? requestId = null, chunk = null;
        uint seen = 0;
        int field;
        while ((field = r.NextField(ChunkFields, ref seen)) >= 0)
        {
            if (field == 0)
            {
                requestId = r.RequiredString();
            }
            else
            {
                chunk = r.RequiredString();
            }
        }

        return new ResponseChunk(
            requestId ?? throw JsonFieldReader.Missing("request_id"),
            chunk ?? throw JsonFieldReader.Missing("chunk"));
    }

    private static ResponseComplete ReadComplete(ref JsonFieldReader r)
    {
        string? requestId = null, body = null;
        ushort? status = null;
        IReadOnlyDictionary<string, string>? headers = null;
        TokenCounts? counts = null;
        uint seen = 0;
        int field;
        while ((field = r.NextField(CompleteFields, ref seen)) >= 0)
        {
            switch (field)
            {
                case 0: requestId = r.RequiredString(); break;
                case 1: status = r.RequiredU16(); break;
                case 2: headers = r.HeaderMap(); break;
                case 3: body = r.OptionalString(); break;
                default: counts = r.OptionalTokenCounts(); break;
            }
        }

        return new ResponseComplete(
            requestId ?? throw JsonFieldReader.Missing("request_id"),
            status ?? throw JsonFieldReader.Missing("status_code"),
            headers ?? JsonFieldReader.EmptyHeaders,
            body,
            counts);
    }

    private static Pong ReadPong(ref JsonFieldReader r)
    {
        uint? currentLoad = null;
        ulong? timestamp = null;
        uint seen = 0;
        int field;
        while ((field = r.NextField(PongFields, ref seen)) >= 0)
        {
            if (field == 0)
            {
                currentLoad = r.RequiredU32();
            }
            else
            {
                timestamp = r.OptionalU64();
            }
        }

        return new Pong(currentLoad ?? throw JsonFieldReader.Missing("current_load"), timestamp);
    }

    private static ErrorMessage ReadError(ref JsonFieldReader r)
    {
        string? requestId = null, code = null, message = null;
        uint seen = 0;
        int field;
        while ((field = r.NextField(ErrorFields, ref seen)) >= 0)
        {
            switch (field)
            {
                case 0: requestId = r.OptionalString(); break;
                case 1: code = r.RequiredString(); break;
                default: message = r.RequiredString(); break;
            }
        }

        return new ErrorMessage(
            requestId,
            code ?? throw JsonFieldReader.Missing("code"),
            message ?? throw JsonFieldReader.Missing("message"));
    }
}
