namespace RxRelay.EndToEndTests.Cluster;

/// <summary>One inference request of a scenario: path and body; <see cref="Number"/> makes each body distinct.</summary>
internal sealed record ClusterRequest(int Number, string Path, string Body, bool Stream)
{
    /// <summary>
    /// <paramref name="count"/> requests cycling through the three APIs (chat completions, responses, Anthropic
    /// messages), streaming and not: six shapes, each body carrying its number.
    /// </summary>
    public static IReadOnlyList<ClusterRequest> Mixed(int count) =>
        [.. Enumerable.Range(1, count).Select(Of)];

    /// <summary>The <paramref name="number"/>-th request of <see cref="Mixed"/>.</summary>
    public static ClusterRequest Of(int number)
    {
        var stream = number % 2 == 0;
        var flag = stream ? "true" : "false";
        return (number % 3) switch
        {
            0 => new(number, Bodies.ChatPath,
                $$"""{"model":"{{Bodies.OpenAiModel}}","messages":[{"role":"user","content":"request {{number}}"}],"stream":{{flag}}}""", stream),
            1 => new(number, Bodies.ResponsesPath,
                $$"""{"model":"{{Bodies.OpenAiModel}}","input":"request {{number}}","stream":{{flag}}}""", stream),
            _ => new(number, Bodies.MessagesPath,
                $$"""{"model":"{{Bodies.AnthropicModel}}","max_tokens":64,"messages":[{"role":"user","content":"request {{number}}"}],"stream":{{flag}}}""", stream),
        };
    }
}
