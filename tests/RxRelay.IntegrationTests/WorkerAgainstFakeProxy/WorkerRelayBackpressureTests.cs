using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

/// <summary>A proxy that stops reading: the worker's sends block, and a cancel still frees the backend at once.</summary>
[Collection(WorkerRelaySerial.Name)]
public sealed class WorkerRelayBackpressureTests
{
    private const string StreamBody = """{"model":"echo-model","messages":[{"role":"user","content":"stream"}],"stream":true}""";

    private static readonly byte[] FloodBlock = System.Text.Encoding.ASCII.GetBytes("data: " + new string('x', 64 * 1024) + "\n\n");

    [Fact]
    public async Task Cancel_ChunkStuckBehindAProxyThatStoppedReading_BackendConnectionClosedWithinOneSecond()
    {
        long flooded = 0;
        await using var stack = await WorkerStack.StartScriptedAsync(async call =>
        {
            call.Response.ContentType = "text/event-stream";
            if (call.Number == 1)
            {
                // request-1 floods until the worker's socket to the (paused) proxy is full and it stops reading us.
                for (var i = 0; i < 4096 && !call.Context.RequestAborted.IsCancellationRequested; i++)
                {
                    await call.Response.Body.WriteAsync(FloodBlock, call.Context.RequestAborted);
                    await call.Response.Body.FlushAsync(call.Context.RequestAborted);
                    Interlocked.Add(ref flooded, FloodBlock.Length);
                }

                return;
            }

            // request-2 trickles: its first chunk queues behind request-1's blocked frame; a drain on dispose would wait on it.
            while (!call.Context.RequestAborted.IsCancellationRequested)
            {
                await call.Response.WriteAsync("data: .\n\n", call.Context.RequestAborted);
                await call.Response.Body.FlushAsync(call.Context.RequestAborted);
                await Task.Delay(100, call.Context.RequestAborted);
            }
        });
        stack.Socket.PauseReading();
        await stack.SendAsync(Frames.Request("request-1", "/v1/chat/completions", true, StreamBody));
        await WaitUntilStalledAsync(() => Interlocked.Read(ref flooded));
        await stack.SendAsync(Frames.Request("request-2", "/v1/chat/completions", true, StreamBody));
        var trickle = await NextCallNumberedAsync(stack.Backend, 2);
        await Task.Delay(300); // the worker reads request-2's first chunk and queues it

        await stack.SendAsync(Frames.Cancel("request-2"));

        await trickle.Aborted.WaitAsync(TimeSpan.FromSeconds(1));
        await stack.SendAsync(Frames.Cancel("request-1"));
        stack.Socket.ResumeReading();
        var completions = new List<string>();
        while (completions.Count < 2)
        {
            var frame = await stack.NextFrameAsync();
            if (Replies.Parse(frame).Type == "response_complete")
                completions.Add(frame);
        }

        Assert.Equal([Frames.Complete("request-2", 499, null, ""), Frames.Complete("request-1", 499, null, "")], completions);
    }

    // The flood has filled every buffer between the backend and the proxy once it makes no progress for half a second.
    private static async Task WaitUntilStalledAsync(Func<long> progress)
    {
        var patience = Stopwatch.StartNew();
        var last = -1L;
        var stableSince = Stopwatch.StartNew();
        while (patience.Elapsed < WorkerStack.Patience)
        {
            await Task.Delay(100);
            var now = progress();
            if (now != last || now == 0)
            {
                last = now;
                stableSince.Restart();
            }
            else if (stableSince.Elapsed >= TimeSpan.FromMilliseconds(500))
            {
                return;
            }
        }

        Assert.Fail($"the flood never stalled ({last} bytes written)");
    }

    private static async Task<BackendCall> NextCallNumberedAsync(ScriptedBackend backend, int number)
    {
        while (true)
        {
            var call = await backend.NextCallAsync(WorkerStack.Patience);
            if (call.Number == number)
                return call;
        }
    }
}
