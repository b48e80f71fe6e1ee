using System.Net.WebSockets;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using Microsoft.Reactive.Testing;
using RxRelay.Worker.Connection;

namespace RxRelay.Worker.Tests.Connection;

/// <summary>A scripted proxy link in virtual time: the test plays the proxy's frames; sends and closes are recorded.</summary>
internal sealed class FakeProxyLink(TestScheduler scheduler, Exception? connectFailure = null, TimeSpan openDelay = default) : IProxyLink
{
    private readonly Subject<LinkEvent> _events = new();

    public long CreatedAt { get; } = scheduler.Clock;

    public List<(long Time, string Json)> Sent { get; } = [];

    public List<(long Time, WebSocketCloseStatus Status)> Closes { get; } = [];

    public long? DisposedAt { get; private set; }

    public Exception? SendFailure { get; set; }

    public IObservable<LinkEvent> Open()
        => connectFailure is not null ? Observable.Throw<LinkEvent>(connectFailure)
            : openDelay == default ? _events.StartWith(new LinkEvent.Opened())
            : Observable.Timer(openDelay, scheduler).SelectMany(_ => _events.StartWith(new LinkEvent.Opened()));

    public ValueTask SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
    {
        if (SendFailure is not null)
            return ValueTask.FromException(SendFailure);
        Sent.Add((scheduler.Clock, Encoding.UTF8.GetString(utf8Json.Span)));
        return ValueTask.CompletedTask;
    }

    public Task CloseAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken)
    {
        Closes.Add((scheduler.Clock, status));
        _events.OnCompleted();
        return Task.CompletedTask;
    }

    public void Dispose() => DisposedAt ??= scheduler.Clock;

    public void Receive(string json) => _events.OnNext(new LinkEvent.Message(Encoding.UTF8.GetBytes(json), true));

    public void ReceiveBinary() => _events.OnNext(new LinkEvent.Message([1, 2, 3], false));

    public void CloseFromProxy(WebSocketCloseStatus status, string reason)
    {
        _events.OnNext(new LinkEvent.Closed(status, reason));
        _events.OnCompleted();
    }

    public void Lose() => _events.OnError(new WebSocketException(WebSocketError.ConnectionClosedPrematurely));
}

/// <summary>Hands out a new <see cref="FakeProxyLink"/> per session; the first <c>failures</c> links fail to connect.</summary>
internal sealed class FakeProxyLinkFactory(TestScheduler scheduler, int failures = 0, TimeSpan openDelay = default) : IProxyLinkFactory
{
    public List<FakeProxyLink> Links { get; } = [];

    public IProxyLink Create()
    {
        var failure = Links.Count < failures ? new WebSocketException("connection refused") : null;
        var link = new FakeProxyLink(scheduler, failure, openDelay);
        Links.Add(link);
        return link;
    }
}
