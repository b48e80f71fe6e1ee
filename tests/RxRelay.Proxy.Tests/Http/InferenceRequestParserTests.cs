using RxRelay.Proxy.Http;

namespace RxRelay.Proxy.Tests.Http;

public sealed class InferenceRequestParserTests
{
    [Theory]
    [InlineData("""{"model":"llama-3.1-70b","messages":[{"role":"user","content":"hi"}]}""", "llama-3.1-70b", false)]
    [InlineData("""{"stream":true,"model":""}""", "", true)]
    [InlineData(""" {"model":"m","stream":false,"extra":{"model":1}} """, "m", false)]
    public void Parse_ValidBody_ReturnsModelAndStream(string body, string model, bool stream) =>
        Assert.Equal((model, stream), InferenceRequestParser.Parse(body));

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"messages":[]}""")]
    [InlineData("""{"model":7}""")]
    [InlineData("""{"model":"m","stream":null}""")]
    [InlineData("""{"model":"m","stream":"true"}""")]
    [InlineData("""{"model":"m","model":"n"}""")]
    [InlineData("""{"model":"m"} trailing""")]
    [InlineData("""{"model":"m",}""")]
    public void Parse_InvalidBody_ReturnsNull(string body) =>
        Assert.Null(InferenceRequestParser.Parse(body));
}
