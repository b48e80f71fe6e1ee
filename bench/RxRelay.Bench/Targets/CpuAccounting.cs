namespace RxRelay.Bench.Targets;

/// <summary>CPU used by a set of processes between construction and <see cref="MicrosecondsPerRequest"/>.</summary>
internal sealed class CpuAccounting((string Name, int Pid)[] processes)
{
    private readonly TimeSpan?[] _start = [.. processes.Select(p => ProcessCpu.Used(p.Pid))];

    /// <summary>CPU µs per request for each process that could be read.</summary>
    public IReadOnlyDictionary<string, double> MicrosecondsPerRequest(int requests)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < processes.Length; i++)
        {
            if (requests > 0 && _start[i] is { } before && ProcessCpu.Used(processes[i].Pid) is { } after)
            {
                result[processes[i].Name] = (after - before).TotalMicroseconds / requests;
            }
        }

        return result;
    }
}
