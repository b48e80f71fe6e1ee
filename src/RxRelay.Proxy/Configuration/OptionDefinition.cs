namespace RxRelay.Proxy.Configuration;

/// <summary>
/// One configurable setting: its flag, its environment variable, and how a raw value is applied.
/// <paramref name="Apply"/> returns null and an error text (without the flag/env prefix) on a bad value.
/// </summary>
internal sealed record OptionDefinition(
    string Flag,
    string EnvironmentVariable,
    string Help,
    Func<ProxyOptions, string, (ProxyOptions? Options, string? Error)> Apply,
    bool IsSwitch = false);
