using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RxRelay.Demo;

/// <summary>An ordinary OpenAI client's view: one chat completion, then one streamed, both timed.</summary>
internal sealed class DemoClient(HttpClient http, Uri proxy, TextWriter output)
{
    private const string Prompt = "hello from the rxrelay demo";

    public async Task NonStreamingAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(Request(stream: false), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var firstByte = clock.Elapsed;
        EnsureOk(response, body);
        using var document = JsonDocument.Parse(body);
        var content = document.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        output.WriteLine($"non-streaming: status {(int)response.StatusCode}, time to first byte {firstByte.TotalMilliseconds:0} ms");
        output.WriteLine($"  answer: {content}");
    }

    public async Task StreamingAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(Request(stream: true), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            EnsureOk(response, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), Encoding.UTF8);
        TimeSpan? firstByte = null;
        var answer = new StringBuilder();
        var events = 0;
        var done = false;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            firstByte ??= clock.Elapsed;
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                done = true;
                break;
            }

            events++;
            using var chunk = JsonDocument.Parse(data);
            if (chunk.RootElement.GetProperty("choices") is { ValueKind: JsonValueKind.Array, } choices && choices.GetArrayLength() > 0
                && choices[0].GetProperty("delta").TryGetProperty("content", out var content))
            {
                answer.Append(content.GetString());
            }
        }

        if (!done)
        {
            throw new DemoException("the stream ended without data: [DONE]");
        }

        output.WriteLine($"streaming: status {(int)response.StatusCode}, {events} events, time to first byte {firstByte!.Value.TotalMilliseconds:0} ms, total {clock.Elapsed.TotalMilliseconds:0} ms");
        output.WriteLine($"  answer: {answer}");
    }

    private HttpRequestMessage Request(bool stream)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = "echo",
            ["stream"] = stream,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = Prompt } },
        });
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(proxy, "/v1/chat/completions"))
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };

        // The echo backend's pace knob, so the streamed answer visibly arrives token by token.
        request.Headers.Add("x-echo-delay-ms", stream ? "40" : "0");
        return request;
    }

    private static void EnsureOk(HttpResponseMessage response, string body)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new DemoException($"proxy answered {(int)response.StatusCode}: {body}");
        }
    }
}
