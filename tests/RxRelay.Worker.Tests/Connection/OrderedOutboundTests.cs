using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Connection;

namespace RxRelay.Worker.Tests.Connection;

public sealed class OrderedOutboundTests
{
    [Fact]
    public void Post_WriteFails_FailureIsNotLeftUnobserved()
    {
        var failure = new WebSocketException("socket gone (OrderedOutboundTests)");
        var unobserved = new List<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            if (e.Exception.InnerExceptions.Contains(failure))
            {
                lock (unobserved)
                    unobserved.Add(e.Exception);
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            var sessionError = PostOneFrameThatFails(failure);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            Assert.Same(failure, sessionError);
            Assert.Empty(unobserved);
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    // Not inlined, so nothing of the posted frame stays reachable from the test's own frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception? PostOneFrameThatFails(Exception failure)
    {
        using var outbound = new OrderedOutbound();
        Exception? sessionError = null;
        using (outbound.Writes(new FailingLink(failure)).Subscribe(_ => { }, error => sessionError = error))
        {
            outbound.Post(new Pong(0, null));
        }

        return sessionError;
    }

    private sealed class FailingLink(Exception failure) : IProxyLink
    {
        public IObservable<LinkEvent> Open() => throw new NotSupportedException();

        public ValueTask SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken) => ValueTask.FromException(failure);

        public Task CloseAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
