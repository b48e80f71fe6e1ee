namespace RxRelay.Bench.Cores;

/// <summary>
/// <c>--cpus</c>: which cores each process of a run may use. The echo backend gets <see cref="Backend"/>, the
/// harness (the load generator) <see cref="Load"/>, the YARP host <see cref="Sut"/>, the RxRelay proxy
/// <see cref="Proxy"/> and its workers <see cref="Workers"/>. The system under test of a target is the set its
/// requests are served on besides the backend: YARP's, proxy ∪ workers for RxRelay, the backend itself for direct.
/// </summary>
internal sealed partial record CpuPlan(string Spec, CoreSet Available, CoreSet Backend, CoreSet Load, CoreSet Sut, CoreSet Proxy, CoreSet Workers)
{
    public const string Groups = "backend, load, sut, proxy, workers";

    /// <summary>The rule of <c>--cpus auto</c>, as printed in the report.</summary>
    public const string AutoRule =
        "auto: backend = the lowest quarter of the cores, load generator = the next quarter (each rounded down, at least one), system under test = the rest; proxy and workers share the system-under-test cores";

    /// <summary>The cores requests are served on, besides the backend's, for <paramref name="target"/>.</summary>
    public CoreSet SutOf(string target) => target switch
    {
        "direct" => Backend,
        "yarp" => Sut,
        _ => Proxy.Union(Workers),
    };

    /// <summary>
    /// Parses <c>auto</c> or <c>backend=LIST,load=LIST,sut=LIST[,proxy=LIST][,workers=LIST]</c> (a LIST of core numbers
    /// and ranges, its items separated by commas too: an item without <c>=</c> continues the group before it) against
    /// the cores this process may use. <c>sut</c> may be left out when both <c>proxy</c> and <c>workers</c> are given:
    /// YARP, the other one-hop proxy, then runs on the proxy's cores; <c>proxy</c> and <c>workers</c> default to <c>sut</c>.
    /// </summary>
    /// <exception cref="FormatException">The message says what is wrong, starting with <c>--cpus:</c>.</exception>
    public static CpuPlan Parse(string spec, CoreSet available)
    {
        try
        {
            return spec.Trim() == "auto" ? Auto(spec.Trim(), available) : Explicit(spec.Trim(), available);
        }
        catch (FormatException ex)
        {
            throw new FormatException("--cpus: " + ex.Message);
        }
    }

    private static CpuPlan Auto(string spec, CoreSet available)
    {
        var cores = available.Cores;
        if (cores.Count < 3)
        {
            // Too few to separate: the backend and the load generator share the first core, the rest (if any) serves.
            var first = new CoreSet([cores[0]]);
            var rest = cores.Count == 1 ? first : new CoreSet(cores.Skip(1));
            return new(spec, available, first, first, rest, rest, rest);
        }

        var quarter = Math.Max(1, cores.Count / 4);
        var backend = new CoreSet(cores.Take(quarter));
        var load = new CoreSet(cores.Skip(quarter).Take(quarter));
        var sut = new CoreSet(cores.Skip(2 * quarter));
        return new(spec, available, backend, load, sut, sut, sut);
    }

    private static CpuPlan Explicit(string spec, CoreSet available)
    {
        var groups = ParseGroups(spec);
        CoreSet Required(string name) => groups.TryGetValue(name, out var set)
            ? set
            : throw new FormatException($"no {name}= group; expected auto or backend=LIST,load=LIST,sut=LIST (see --help)");

        var backend = Required("backend");
        var load = Required("load");
        var sut = groups.TryGetValue("sut", out var s) ? s
            : groups.ContainsKey("workers") && groups.TryGetValue("proxy", out var p) ? p
            : throw new FormatException("no sut= group (nor both proxy= and workers=)");
        foreach (var (name, set) in groups)
        {
            if (set.Except(available) is { Count: > 0 } missing)
            {
                throw new FormatException($"core(s) {missing} in {name} not available: this machine lets the harness use {available}");
            }
        }

        return new(spec, available, backend, load, sut, groups.GetValueOrDefault("proxy", sut), groups.GetValueOrDefault("workers", sut));
    }

    private static Dictionary<string, CoreSet> ParseGroups(string spec)
    {
        var items = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        List<int>? current = null;
        foreach (var token in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var item = token;
            if (equals >= 0)
            {
                var name = token[..equals].Trim();
                if (!Groups.Split(", ").Contains(name))
                {
                    throw new FormatException($"unknown group '{name}'; expected auto or groups {Groups}");
                }

                current = items.TryAdd(name, []) ? items[name] : throw new FormatException($"group {name} given twice");
                item = token[(equals + 1)..].Trim();
            }

            if (current is null)
            {
                throw new FormatException($"'{token}' comes before any group; expected auto or e.g. backend=0-3,load=4-7,sut=8-15");
            }

            current.AddRange(item.Length > 0 ? CoreSet.ParseItem(item) : throw new FormatException($"'{token}' has an empty core list item"));
        }

        return items.ToDictionary(g => g.Key, g => new CoreSet(g.Value), StringComparer.Ordinal);
    }
}
