namespace RxRelay.Testing.Backends;

/// <summary>Where a <see cref="ScriptedBackend"/> listens and what it answers without the script.</summary>
public sealed record ScriptedBackendOptions
{
    /// <summary>The loopback port; 0 (the default) lets the OS choose.</summary>
    public int Port { get; init; }

    /// <summary>
    /// When set, <c>GET /v1/models</c> lists these ids (OpenAI shape) without reaching the script or
    /// <see cref="ScriptedBackend.Calls"/>; when <c>null</c>, the script answers it like any other request.
    /// </summary>
    public IReadOnlyList<string>? Models { get; init; }
}
