namespace RxRelay.EchoBackend;

/// <summary>Parses <c>rxrelay-echo-backend</c>'s flags: <c>--listen</c>, <c>--models</c>, <c>--help</c>.</summary>
internal static class EchoCommandLine
{
    /// <summary>The text printed for <c>--help</c>.</summary>
    public const string Usage = """
        rxrelay-echo-backend: an OpenAI + Anthropic-compatible backend that echoes the prompt as tokens.

        Usage: rxrelay-echo-backend [OPTIONS]

          --listen <HOST:PORT>   address to listen on; port 0 picks a free port [default: 127.0.0.1:8000]
          --models <LIST>        comma-separated model ids listed by GET /v1/models [default: echo]
          -h, --help             print this help and exit

        Per request (body field or header; the header wins):
          echo_tokens / x-echo-tokens        tokens to emit, cycling the prompt's words [default: prompt words, at least 1]
          echo_delay_ms / x-echo-delay-ms    delay before each token in milliseconds [default: 0]
          max_tokens caps the count.
        """;

    /// <summary>Parses <paramref name="args"/>; exactly one of the results is set.</summary>
    public static (EchoBackendOptions? Options, string? Error, bool Help) Parse(IReadOnlyList<string> args)
    {
        var options = new EchoBackendOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                return (null, null, true);
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = equals > 0 ? arg[..equals] : arg;
            if (flag is not ("--listen" or "--models"))
            {
                return (null, $"error: unexpected argument '{arg}'", false);
            }

            string? value = equals > 0 ? arg[(equals + 1)..] : i + 1 < args.Count ? args[++i] : null;
            if (value is null)
            {
                return (null, $"error: a value is required for '{flag}' but none was supplied", false);
            }

            if (flag == "--listen")
            {
                if (ListenAddress.TryParse(value) is not { } listen)
                {
                    return (null, $"error: invalid value '{value}' for --listen: {ListenAddress.Expectation}", false);
                }

                options = options with { Listen = listen };
                continue;
            }

            var models = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (models.Length == 0)
            {
                return (null, $"error: invalid value '{value}' for --models: expected at least one model id", false);
            }

            options = options with { Models = models };
        }

        return (options, null, false);
    }
}
