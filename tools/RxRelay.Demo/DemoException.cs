namespace RxRelay.Demo;

/// <summary>A demo step failed; <see cref="Culprit"/> is the child whose log tail explains it, if any.</summary>
internal sealed class DemoException(string message, ChildProcess? culprit = null) : Exception(message)
{
    public ChildProcess? Culprit { get; } = culprit;
}
