using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Tests.Dispatch;

namespace RxRelay.Proxy.Tests.Cluster;

public sealed class ReplicaOfferTests
{
    [Fact]
    public void ModelLoads_WorkersAndQueue_PerProviderAndModel()
    {
        using var harness = new CoreHarness();
        harness.Register("a", ["llama"], max: 2);
        harness.Register("b", ["qwen", "*"], max: 3, load: 3);
        harness.Submit("llama");
        harness.Submit("llama");
        harness.Submit("llama");

        Assert.Equal(
            [
                new ModelLoad(CoreHarness.Provider, "*", 1, 3, 0, 0, 0),
                new ModelLoad(CoreHarness.Provider, "llama", 1, 2, 2, 1, 0),
                new ModelLoad(CoreHarness.Provider, "qwen", 1, 3, 0, 0, 0),
            ],
            harness.Core.ModelLoads());
    }

    [Fact]
    public void ModelLoads_FreeSlots_CountedPerModel()
    {
        using var harness = new CoreHarness();
        harness.Register("a", ["llama", "qwen"], max: 4, load: 1);
        harness.Submit("llama");

        Assert.Equal(
            [new ModelLoad(CoreHarness.Provider, "llama", 1, 4, 1, 0, 2), new ModelLoad(CoreHarness.Provider, "qwen", 1, 4, 1, 0, 2)],
            harness.Core.ModelLoads());
    }

    [Fact]
    public void ToJson_ThenParse_SameOffer()
    {
        var offer = new ReplicaOffer([new ModelLoad("local", "llama", 2, 8, 3, 1, 5)]);

        var json = offer.ToJson();

        Assert.Equal("""{"models":[{"provider":"local","model":"llama","workers":2,"capacity":8,"in_flight":3,"queued":1,"free":5}]}""", json);
        Assert.Equal(offer, ReplicaOffer.Parse(json));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"models":[{"provider":"local"}]}""")]
    [InlineData("not json")]
    public void Parse_NotAnOffer_Null(string json) => Assert.Null(ReplicaOffer.Parse(json));

    [Fact]
    public void FreeFor_WildcardWorkersCount()
    {
        var offer = new ReplicaOffer([new ModelLoad("local", "*", 1, 2, 0, 0, 2), new ModelLoad("local", "llama", 1, 1, 0, 0, 1), new ModelLoad("other", "llama", 1, 9, 0, 0, 9)]);

        Assert.Equal(3, offer.FreeFor("local", "llama"));
    }
}
