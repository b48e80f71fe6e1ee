using System.Text;
using Microsoft.AspNetCore.Http;
using RxRelay.Protocol.Messages;

namespace RxRelay.IntegrationTests.RelayAgainstBackend;

public sealed class RelayConcurrencyTests
{
    private const int Requests = 100;
    private const int ChunksPerRequest = 5;

    private static string Part(string body, int part) => $"{body}#{part};";

    private static async Task StreamPartsAsync(BackendCall request)
    {
        var context = request.Context;
        context.Response.ContentType = "text/event-stream";
        for (var part = 0; part < ChunksPerRequest; part++)
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(Part(request.Body, part)));
            await context.Response.Body.FlushAsync();
            await Task.Yield();
        }
    }

    [Fact]
    public async Task Start_HundredConcurrentStreams_EachCompleteUnmixedAndCompletedOnce()
    {
        await using var backend = await ScriptedBackend.StartAsync(StreamPartsAsync);
        await using var sut = RelaySut.Create(backend.Url, maxConcurrency: Requests);

        for (var i = 0; i < Requests; i++)
        {
            sut.Session.Start(RelaySut.Request($"request-{i}", streaming: true, body: $"{{\"stream\":true,\"n\":{i}}}"));
        }

        await sut.Outbound.WaitUntilAsync(o => o.Messages.OfType<ResponseComplete>().Count() == Requests, TimeSpan.FromSeconds(60));

        for (var i = 0; i < Requests; i++)
        {
            var body = $"{{\"stream\":true,\"n\":{i}}}";
            var expected = string.Concat(Enumerable.Range(0, ChunksPerRequest).Select(part => Part(body, part)));
            Assert.Equal(expected, sut.Outbound.ChunkText($"request-{i}"));
            var completion = Assert.Single(sut.Outbound.Completions($"request-{i}"));
            Assert.Equal((200, ""), (completion.StatusCode, completion.Body));
        }

        Assert.Equal(Requests, backend.Calls.Count);
        Assert.Equal(0, sut.Session.InFlight);
    }
}
