using RxRelay.Proxy.ApiKeys;

namespace RxRelay.Proxy.Tests.ApiKeys;

public sealed class ApiKeySchemaTests
{
    [Theory]
    [InlineData("insert")]
    [InlineData("update")]
    [InlineData("delete")]
    public void Notification_RowChange_NamesIdAndUpperCaseHash(string op) =>
        Assert.Equal(
            ("0f8fad5b-d9cb-469f-a165-70867728950e", "ABCDEF01", op == "insert"),
            ApiKeySchema.ParseNotification($"{op} 0f8fad5b-d9cb-469f-a165-70867728950e abcdef01"));

    [Theory]
    [InlineData("truncate")]
    [InlineData("")]
    [InlineData("insert not-a-uuid abcd")]
    [InlineData("insert 0f8fad5b-d9cb-469f-a165-70867728950e xyz")]
    [InlineData("upsert 0f8fad5b-d9cb-469f-a165-70867728950e abcd")]
    [InlineData("insert 0f8fad5b-d9cb-469f-a165-70867728950e abcd extra")]
    public void Notification_TruncateOrUnreadable_MeansForgetEverything(string payload) =>
        Assert.Null(ApiKeySchema.ParseNotification(payload));
}
