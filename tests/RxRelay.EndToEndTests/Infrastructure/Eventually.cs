using System.Diagnostics;

namespace RxRelay.EndToEndTests.Infrastructure;

/// <summary>Bounded polling for state only observable from outside (a process's /health).</summary>
internal static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await condition().WaitAsync(timeout))
                {
                    return clock.Elapsed;
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                last = error;
            }

            await Task.Delay(Interval);
        }

        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}" + (last is null ? "" : $" (last error: {last.Message})"));
    }
}
