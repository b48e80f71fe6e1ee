using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Tests;

/// <summary>
/// One exact wire frame per message type and variant, as upstream's serde_json writes it
/// (docs/protocol.md#frames-proxy-to-worker, docs/protocol.md#frames-worker-to-proxy): <c>type</c> first,
/// declaration order, optional members omitted, header keys sorted.
/// </summary>
internal static class GoldenFrames
{
    private static readonly string[] Llama = ["llama-3.1-70b"];

    public static IReadOnlyDictionary<string, (ProxyMessage Message, string Json)> Proxy { get; } =
        new Dictionary<string, (ProxyMessage, string)>
        {
            ["register_ack_full"] = (
                new RegisterAck("worker-1", Llama, ["model list truncated"], ProtocolVersion.Current),
                """{"type":"register_ack","worker_id":"worker-1","models":["llama-3.1-70b"],"warnings":["model list truncated"],"protocol_version":"2026-04-bridge-v1"}"""),
            ["register_ack_bare"] = (
                new RegisterAck("worker-1", Llama, [], null),
                """{"type":"register_ack","worker_id":"worker-1","models":["llama-3.1-70b"]}"""),
            ["request_without_headers"] = (
                new WorkerRequest("request-1", "llama-3.1-70b", "/v1/chat/completions", false, """{"model":"llama-3.1-70b"}""", new Dictionary<string, string>()),
                """{"type":"request","request_id":"request-1","model":"llama-3.1-70b","endpoint_path":"/v1/chat/completions","is_streaming":false,"body":"{\"model\":\"llama-3.1-70b\"}"}"""),
            ["request_with_headers"] = (
                new WorkerRequest("request-2", "llama-3.1-70b", "/v1/messages", true, "{}", new Dictionary<string, string>
                {
                    ["x-request-id"] = "abc",
                    ["accept"] = "text/event-stream",
                    ["content-type"] = "application/json",
                }),
                """{"type":"request","request_id":"request-2","model":"llama-3.1-70b","endpoint_path":"/v1/messages","is_streaming":true,"body":"{}","headers":{"accept":"text/event-stream","content-type":"application/json","x-request-id":"abc"}}"""),
            ["cancel_client_disconnect"] = (
                new CancelRequest("request-1", CancelReason.ClientDisconnect),
                """{"type":"cancel","request_id":"request-1","reason":"client_disconnect"}"""),
            ["cancel_timeout"] = (
                new CancelRequest("request-1", CancelReason.Timeout),
                """{"type":"cancel","request_id":"request-1","reason":"timeout"}"""),
            ["cancel_graceful_shutdown"] = (
                new CancelRequest("request-1", CancelReason.GracefulShutdown),
                """{"type":"cancel","request_id":"request-1","reason":"graceful_shutdown"}"""),
            ["cancel_worker_disconnect"] = (
                new CancelRequest("request-1", CancelReason.WorkerDisconnect),
                """{"type":"cancel","request_id":"request-1","reason":"worker_disconnect"}"""),
            ["cancel_requeue_exhausted"] = (
                new CancelRequest("request-1", CancelReason.RequeueExhausted),
                """{"type":"cancel","request_id":"request-1","reason":"requeue_exhausted"}"""),
            ["cancel_server_shutdown"] = (
                new CancelRequest("request-1", CancelReason.ServerShutdown),
                """{"type":"cancel","request_id":"request-1","reason":"server_shutdown"}"""),
            ["cancel_other"] = (
                new CancelRequest("request-1", CancelReason.Other("operator said \"stop\"")),
                """{"type":"cancel","request_id":"request-1","reason":{"other":"operator said \"stop\""}}"""),
            ["ping_bare"] = (new Ping(), """{"type":"ping"}"""),
            ["ping_with_timestamp"] = (new Ping(1767225600000), """{"type":"ping","timestamp_unix_ms":1767225600000}"""),
            ["graceful_shutdown_empty"] = (new GracefulShutdown(null, null), """{"type":"graceful_shutdown"}"""),
            ["graceful_shutdown_full"] = (
                new GracefulShutdown("maintenance", 30),
                """{"type":"graceful_shutdown","reason":"maintenance","drain_timeout_secs":30}"""),
            ["models_refresh_bare"] = (new ModelsRefresh(null), """{"type":"models_refresh"}"""),
            ["models_refresh_with_reason"] = (new ModelsRefresh("catalog changed"), """{"type":"models_refresh","reason":"catalog changed"}"""),
        };

    public static IReadOnlyDictionary<string, (WorkerMessage Message, string Json)> Worker { get; } =
        new Dictionary<string, (WorkerMessage, string)>
        {
            ["register_full"] = (
                new Register("gpu-box-a", Llama, 1, ProtocolVersion.Current, 0),
                """{"type":"register","worker_name":"gpu-box-a","models":["llama-3.1-70b"],"max_concurrent":1,"protocol_version":"2026-04-bridge-v1","current_load":0}"""),
            ["register_legacy"] = (
                new Register("gpu-box-a", ["llama-3.1-70b", "mistral-large"], 4294967295, null, null),
                """{"type":"register","worker_name":"gpu-box-a","models":["llama-3.1-70b","mistral-large"],"max_concurrent":4294967295}"""),
            ["models_update"] = (
                new ModelsUpdate(["*"], 3),
                """{"type":"models_update","models":["*"],"current_load":3}"""),
            ["models_update_empty"] = (
                new ModelsUpdate([], 0),
                """{"type":"models_update","models":[],"current_load":0}"""),
            ["response_chunk"] = (
                new ResponseChunk("request-1", "data: {\"x\":1}\n\n"),
                """{"type":"response_chunk","request_id":"request-1","chunk":"data: {\"x\":1}\n\n"}"""),
            ["response_complete_bare"] = (
                new ResponseComplete("request-1", 200, new Dictionary<string, string>(), null),
                """{"type":"response_complete","request_id":"request-1","status_code":200}"""),
            ["response_complete_streaming"] = (
                new ResponseComplete("request-1", 200, new Dictionary<string, string>(), ""),
                """{"type":"response_complete","request_id":"request-1","status_code":200,"body":""}"""),
            ["response_complete_full"] = (
                new ResponseComplete(
                    "request-1",
                    65535,
                    new Dictionary<string, string> { ["x-b"] = "2", ["content-type"] = "application/json", ["X-A"] = "1" },
                    "{\"ok\":true}",
                    new TokenCounts(11, 7, 18)),
                """{"type":"response_complete","request_id":"request-1","status_code":65535,"headers":{"X-A":"1","content-type":"application/json","x-b":"2"},"body":"{\"ok\":true}","token_counts":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}"""),
            ["response_complete_partial_counts"] = (
                new ResponseComplete("request-1", 500, new Dictionary<string, string>(), "oops", new TokenCounts(null, 7, null)),
                """{"type":"response_complete","request_id":"request-1","status_code":500,"body":"oops","token_counts":{"completion_tokens":7}}"""),
            ["response_complete_empty_counts"] = (
                new ResponseComplete("request-1", 204, new Dictionary<string, string>(), null, new TokenCounts(null, null, null)),
                """{"type":"response_complete","request_id":"request-1","status_code":204,"token_counts":{}}"""),
            ["pong_bare"] = (new Pong(0), """{"type":"pong","current_load":0}"""),
            ["pong_with_timestamp"] = (new Pong(2, 18446744073709551615), """{"type":"pong","current_load":2,"timestamp_unix_ms":18446744073709551615}"""),
            ["error_with_request_id"] = (
                new ErrorMessage("request-1", "backend_unreachable", "connection refused"),
                """{"type":"error","request_id":"request-1","code":"backend_unreachable","message":"connection refused"}"""),
            ["error_without_request_id"] = (
                new ErrorMessage(null, "bad_frame", "could not parse"),
                """{"type":"error","code":"bad_frame","message":"could not parse"}"""),
        };

    public static TheoryData<string> ProxyNames => new(Proxy.Keys);

    public static TheoryData<string> WorkerNames => new(Worker.Keys);
}
