using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Tests;

/// <summary>
/// The five modelrelay-protocol unit tests (docs/differences-from-upstream.md#upstream-tests-unit), restated
/// against this codec.
/// </summary>
public sealed class UpstreamProtocolTests
{
    [Fact]
    public void round_trips_register_ack_message()
    {
        var ack = new RegisterAck("worker-1", ["llama-3.1-70b", "mistral-large"], ["duplicate model ignored"], ProtocolVersion.Current);

        var json = RoundTrip.Assert(ack);

        Assert.Contains("\"type\":\"register_ack\"", json, StringComparison.Ordinal);
        var decoded = RoundTrip.DecodeProxy<RegisterAck>(json);
        Assert.Equal(["duplicate model ignored"], decoded.Warnings);
        Assert.Equal(ProtocolVersion.Current, decoded.ProtocolVersion);
    }

    [Fact]
    public void round_trips_request_message_with_headers_and_raw_body()
    {
        var body = "{\"model\":\"llama-3.1-70b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";
        var request = new WorkerRequest(
            "request-1",
            "llama-3.1-70b",
            "/v1/chat/completions",
            true,
            body,
            new Dictionary<string, string> { ["content-type"] = "application/json", ["accept"] = "text/event-stream" });

        var json = RoundTrip.Assert(request);

        Assert.Contains("\"endpoint_path\":\"/v1/chat/completions\"", json, StringComparison.Ordinal);
        Assert.Contains("\"is_streaming\":true", json, StringComparison.Ordinal);
        var decoded = RoundTrip.DecodeProxy<WorkerRequest>(json);
        Assert.Equal(body, decoded.Body);
        Assert.Equal("text/event-stream", decoded.Headers["accept"]);
    }

    [Fact]
    public void round_trips_worker_messages_for_registration_and_updates()
    {
        var registerJson = RoundTrip.Assert(new Register("gpu-box-a", ["llama-3.1-70b"], 1, ProtocolVersion.Current, 0));
        var updateJson = RoundTrip.Assert(new ModelsUpdate(["llama-3.1-70b", "mistral-large"], 1));

        Assert.Contains("\"type\":\"register\"", registerJson, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"models_update\"", updateJson, StringComparison.Ordinal);
    }

    [Fact]
    public void round_trips_response_messages()
    {
        RoundTrip.Assert(new ResponseChunk("request-1", "data: {\"choices\":[]}\n\n"));
        var complete = new ResponseComplete(
            "request-1",
            200,
            new Dictionary<string, string> { ["content-type"] = "application/json" },
            "{\"ok\":true}",
            new TokenCounts(11, 7, 18));

        var json = RoundTrip.Assert(complete);

        Assert.Contains("\"status_code\":200", json, StringComparison.Ordinal);
        Assert.Equal(new TokenCounts(11, 7, 18), RoundTrip.DecodeWorker<ResponseComplete>(json).TokenCounts);
    }

    [Fact]
    public void round_trips_control_and_error_messages()
    {
        var cancelJson = RoundTrip.Assert(new CancelRequest("request-1", CancelReason.ClientDisconnect));
        RoundTrip.Assert(new GracefulShutdown("maintenance", 30));
        RoundTrip.Assert(new ErrorMessage("request-1", "backend_error", "backend returned garbage"));

        Assert.Contains("\"reason\":\"client_disconnect\"", cancelJson, StringComparison.Ordinal);
        Assert.Equal(new GracefulShutdown("maintenance", 30), RoundTrip.DecodeProxy<GracefulShutdown>("""{"type":"graceful_shutdown","reason":"maintenance","drain_timeout_secs":30}"""));
    }
}
