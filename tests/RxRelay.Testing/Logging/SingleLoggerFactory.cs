using Microsoft.Extensions.Logging;

namespace RxRelay.Testing.Logging;

/// <summary>A logger factory that hands out one logger for every category: a component under test that builds its
/// loggers from a factory writes into the one <see cref="Microsoft.Extensions.Logging.Testing.FakeLogger"/> the test reads.</summary>
public sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
{
    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => logger;

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
