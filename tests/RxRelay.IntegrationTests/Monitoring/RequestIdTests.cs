using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Monitoring;

namespace RxRelay.IntegrationTests.Monitoring;

/// <summary><c>x-request-id</c> end to end: client → proxy → worker → backend, and back on the response.</summary>
public sealed class RequestIdTests
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    [Fact]
    public async Task Chat_SaneClientIdAndTraceparent_SameIdOnResponseAtBackendAndInBothProgramsLogs()
    {
        var logs = new FakeLogCollector();
        var workerLogs = new FakeLogCollector();
        await using var rig = await RelayRig.StartAsync(logs, workerLogs: workerLogs);
        using var client = rig.Proxy.CreateClient();

        using var response = await RelayRig.ChatAsync(client, [new("x-request-id", "client-id-42"), new("traceparent", TraceParent)]);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(["client-id-42"], response.Headers.GetValues("x-request-id"));
        var call = Assert.Single(rig.Backend.Calls);
        Assert.Equal("client-id-42", call.Headers["x-request-id"]);
        Assert.Equal(TraceParent, call.Headers["traceparent"]);
        var line = await AssertAccessLineAsync(logs, "client-id-42");
        Assert.Matches(
            "^request finished id=client-id-42 endpoint=/v1/chat/completions model=echo stream=False status=200 outcome=ok "
            + @"queue_ms=[0-9.]+ ttfb_ms=[0-9.]+ duration_ms=[0-9.]+ bytes_out=[1-9][0-9]* worker=worker-1 relay_id=request-1$",
            line.Message);

        // The worker's lines for the request (relaying, completed) carry the same id as their XRequestId scope.
        var tagged = workerLogs.GetSnapshot().Where(r => r.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>()
            .Any(scope => scope.Any(p => p.Key == "XRequestId" && Equals(p.Value, "client-id-42")))).ToList();
        Assert.True(tagged.Count >= 2, $"worker lines with the request id: {tagged.Count}");
    }

    [Fact]
    public async Task Chat_NoClientId_ProxyMakesOneAndSendsItToTheBackend()
    {
        await using var rig = await RelayRig.StartAsync();
        using var client = rig.Proxy.CreateClient();

        using var response = await RelayRig.ChatAsync(client, stream: true);
        await response.Content.ReadAsStringAsync();

        var id = Assert.Single(response.Headers.GetValues("x-request-id"));
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, Assert.Single(rig.Backend.Calls).Headers["x-request-id"]);
    }

    [Fact]
    public async Task Chat_InsaneClientId_ReplacedEverywhere()
    {
        await using var rig = await RelayRig.StartAsync();
        using var client = rig.Proxy.CreateClient();
        var tooLong = new string('x', RequestIds.MaxLength + 1);

        using var response = await RelayRig.ChatAsync(client, [new("x-request-id", tooLong)]);

        var id = Assert.Single(response.Headers.GetValues("x-request-id"));
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, Assert.Single(rig.Backend.Calls).Headers["x-request-id"]);
    }

    [Fact]
    public async Task Chat_RefusedBeforeDispatch_StillCarriesAnIdAndOneAccessLine()
    {
        var logs = new FakeLogCollector();
        await using var rig = await RelayRig.StartAsync(logs);
        using var client = rig.Proxy.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("not json") };
        request.Headers.Add("x-request-id", "bad-body-1");

        using var response = await client.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(["bad-body-1"], response.Headers.GetValues("x-request-id"));
        var line = await AssertAccessLineAsync(logs, "bad-body-1");
        Assert.Contains(" model=- stream=False status=400 outcome=bad_request queue_ms= ttfb_ms= ", line.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Backend.Calls);
    }

    private static async Task<FakeLogRecord> AssertAccessLineAsync(FakeLogCollector logs, string id)
    {
        // The line is written once the response is done, which may be just after the client has it.
        FakeLogRecord[] lines = [];
        await RxRelay.IntegrationTests.Proxy.ProxyTestHost.EventuallyAsync(
            () => Task.FromResult((lines = [.. logs.GetSnapshot().Where(r => r.Category == AccessLog.Category)]).Length > 0), "access log line", 5);
        var line = Assert.Single(lines);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith($"request finished id={id} endpoint=/v1/chat/completions ", line.Message, StringComparison.Ordinal);
        Assert.Contains(line.Scopes, scope => scope is IEnumerable<KeyValuePair<string, object?>> pairs && pairs.Contains(new("XRequestId", id)));
        return line;
    }
}
