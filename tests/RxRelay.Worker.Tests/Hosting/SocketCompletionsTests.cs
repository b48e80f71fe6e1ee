using RxRelay.Worker.Hosting;

namespace RxRelay.Worker.Tests.Hosting;

public sealed class SocketCompletionsTests
{
    [Fact]
    public void Unset_switch_is_turned_on()
    {
        var environment = new Dictionary<string, string>();

        var inForce = SocketCompletions.PreferInline(name => environment.GetValueOrDefault(name), (name, value) => environment[name] = value);

        Assert.Equal("1", inForce);
        Assert.Equal(new Dictionary<string, string> { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1" }, environment);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("")]
    public void Explicit_value_wins_and_nothing_is_written(string explicitValue)
    {
        var environment = new Dictionary<string, string> { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = explicitValue };
        var writes = 0;

        var inForce = SocketCompletions.PreferInline(name => environment.GetValueOrDefault(name), (_, _) => writes++);

        Assert.Equal(explicitValue, inForce);
        Assert.Equal(0, writes);
    }
}
