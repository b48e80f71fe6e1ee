using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Hosting;

namespace RxRelay.IntegrationTests.Proxy;

/// <summary>What an operator sees when the proxy starts.</summary>
public sealed class StartupLogTests
{
    [Fact]
    public async Task Start_ListenPortZero_LogsTheBoundAddress()
    {
        var lines = new ConcurrentQueue<string>();
        var app = ProxyApp.Build(
            new ProxyOptions { Listen = "127.0.0.1:0", WorkerSecret = ProxyTestHost.Secret },
            configure: builder => builder.Services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(lines)));
        await using var _ = app;
        await app.StartAsync();
        try
        {
            var port = new Uri(app.Urls.Single()).Port;

            Assert.NotEqual(0, port);
            Assert.Contains($"listening on http://127.0.0.1:{port}", lines);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
