namespace RxRelay.Reactive;

/// <summary>Nothing arrived, and nothing was in flight, for <see cref="IdleTimeout"/>: the peer is presumed dead.</summary>
public sealed class IdleTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for an idle timeout of <paramref name="idleTimeout"/>.</summary>
    public IdleTimeoutException(TimeSpan idleTimeout)
        : base($"no inbound frame within the idle timeout of {idleTimeout.TotalSeconds} s")
        => IdleTimeout = idleTimeout;

    /// <summary>Creates the exception with <see cref="IdleTimeoutObservableExtensions.DefaultIdleTimeout"/>.</summary>
    public IdleTimeoutException()
        : this(IdleTimeoutObservableExtensions.DefaultIdleTimeout)
    {
    }

    /// <summary>Creates the exception with a custom message.</summary>
    public IdleTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a custom message and cause.</summary>
    public IdleTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The silence that was allowed.</summary>
    public TimeSpan IdleTimeout { get; }
}
