using System.Diagnostics;
using System.Text.Json;

namespace RxRelay.Demo;

/// <summary>Bounded waits for a child to be ready, failing fast when the child dies instead.</summary>
internal static class Readiness
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls <paramref name="url"/> until it answers 2xx.</summary>
    public static Task UntilOkAsync(HttpClient http, ChildProcess child, Uri url, TimeSpan timeout, CancellationToken cancellationToken)
        => UntilAsync(child, timeout, async ct =>
        {
            using var response = await http.GetAsync(url, ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }, $"{url} to answer 200", cancellationToken);

    /// <summary>Polls the proxy's <c>/health</c> until <c>workers_connected</c> equals <paramref name="workers"/>.</summary>
    public static Task UntilWorkersAsync(HttpClient http, ChildProcess worker, Uri proxy, int workers, TimeSpan timeout, CancellationToken cancellationToken)
        => UntilAsync(worker, timeout, async ct =>
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(proxy, "/health"), ct).ConfigureAwait(false));
            return document.RootElement.TryGetProperty("workers_connected", out var connected) && connected.GetInt32() == workers;
        }, $"/health to report workers_connected {workers}", cancellationToken);

    private static async Task UntilAsync(ChildProcess child, TimeSpan timeout, Func<CancellationToken, Task<bool>> probe, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (child.HasExited)
            {
                throw new DemoException($"{child.Name} exited with code {child.ExitCode} while waiting for {what}", child);
            }

            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                if (await probe(attempt.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception error) when (error is HttpRequestException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet, or not ready: poll again.
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        throw new DemoException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}", child);
    }
}
