using System.Text;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Tests.Relay;

public sealed class BackendModelsClientTests
{
    private static IReadOnlyList<string> Parse(string json) => BackendModelsClient.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_OpenAiList_IdsInOrder()
        => Assert.Equal(
            ["gpt-4.1-mini", "gpt-oss-120b"],
            Parse("""{"object":"list","data":[{"id":"gpt-4.1-mini","object":"model"},{"id":"gpt-oss-120b"}]}"""));

    [Fact]
    public void Parse_NonStringIdsAndNonObjects_Skipped()
        => Assert.Equal(["a"], Parse("""{"data":[{"id":7},"b",{"name":"c"},{"id":"a"}]}"""));

    [Fact]
    public void Parse_EmptyData_Empty()
        => Assert.Empty(Parse("""{"data":[]}"""));

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"models":[]}""")]
    [InlineData("""{"data":{}}""")]
    [InlineData("[]")]
    public void Parse_Unusable_Throws(string json)
        => Assert.Throws<BackendModelsException>(() => Parse(json));
}
