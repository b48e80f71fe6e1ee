namespace RxRelay.Worker.Relay;

/// <summary>
/// The backend paths a <c>request</c> may name. Upstream concatenates whatever the proxy sends onto the
/// backend URL (docs/differences-from-upstream.md#worker-endpoint-allowlist), so a hostile or buggy proxy could reach other backend routes, or with
/// an <c>@host</c> prefix other hosts. Only known inference paths, exactly as configured, are fetched.
/// </summary>
internal sealed class EndpointAllowlist
{
    /// <summary>The inference routes the proxy forwards (docs/protocol.md#frame-request).</summary>
    public static IReadOnlyList<string> BuiltInPaths { get; } =
        ["/v1/chat/completions", "/v1/responses", "/v1/messages"];

    // Characters that would change the URL's authority, query, fragment or path normalisation.
    private static readonly char[] ForbiddenChars = ['@', '?', '#', '\\', '%'];

    private readonly HashSet<string> _allowed;

    public EndpointAllowlist(IEnumerable<string> extraPaths)
    {
        ArgumentNullException.ThrowIfNull(extraPaths);
        _allowed = new HashSet<string>(BuiltInPaths, StringComparer.Ordinal);
        foreach (var path in extraPaths)
        {
            // An ill-formed extra path is ignored rather than trusted: the options validator reports it.
            if (IsWellFormed(path))
            {
                _allowed.Add(path);
            }
        }
    }

    /// <summary>The paths this allowlist accepts, for diagnostics.</summary>
    public IReadOnlyCollection<string> Paths => _allowed;

    /// <summary>True when <paramref name="path"/> is well formed and one of the allowed paths (exact, case-sensitive).</summary>
    public bool IsAllowed(string? path) => path is not null && IsWellFormed(path) && _allowed.Contains(path);

    /// <summary>
    /// A path that can only ever address a route on the configured backend: starts with one '/', no
    /// "//", no "..", no '@', '?', '#', '\', '%' (no encoded escapes either), no whitespace or controls.
    /// </summary>
    internal static bool IsWellFormed(string path)
    {
        if (path.Length < 2 || path[0] != '/' || path.Contains("//", StringComparison.Ordinal)
            || path.Contains("..", StringComparison.Ordinal) || path.IndexOfAny(ForbiddenChars) >= 0)
        {
            return false;
        }

        foreach (var c in path)
        {
            if (c <= ' ' || c >= '\u007f')
            {
                return false;
            }
        }

        return true;
    }
}
