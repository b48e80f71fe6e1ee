using System.Text;

namespace RxRelay.Protocol.Tests;

/// <summary>Every decode rule's rejection: the right <see cref="ProtocolErrorKind"/> and a detail naming the problem.</summary>
public sealed class DecodeRejectionTests
{
    private static ProtocolError RejectWorker(byte[] utf8)
    {
        var result = ProtocolCodec.DecodeWorkerMessage(utf8);
        Assert.Null(result.Message);
        return Assert.IsType<ProtocolError>(result.Error);
    }

    private static ProtocolError RejectWorker(string json) => RejectWorker(Encoding.UTF8.GetBytes(json));

    private static ProtocolError RejectProxy(string json)
    {
        var result = ProtocolCodec.DecodeProxyMessage(Encoding.UTF8.GetBytes(json));
        Assert.Null(result.Message);
        return Assert.IsType<ProtocolError>(result.Error);
    }

    private static void AssertError(ProtocolError error, ProtocolErrorKind kind, string detailPart)
    {
        Assert.Equal(kind, error.Kind);
        Assert.Contains(detailPart, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeWorkerMessage_EmptyInput_IsInvalidJson() =>
        AssertError(RejectWorker([]), ProtocolErrorKind.InvalidJson, "empty input");

    [Fact]
    public void DecodeWorkerMessage_WhitespaceOnly_IsInvalidJson() =>
        Assert.Equal(ProtocolErrorKind.InvalidJson, RejectWorker("  \n").Kind);

    [Theory]
    [InlineData("""{"type":"pong","current_load":0} x""")]
    [InlineData("""{"type":"pong","current_load":0}{}""")]
    [InlineData("""{"type":"pong","current_load":0},""")]
    public void DecodeWorkerMessage_TrailingData_IsInvalidJson(string json) =>
        Assert.Equal(ProtocolErrorKind.InvalidJson, RejectWorker(json).Kind);

    [Theory]
    [InlineData("""{"type":"pong","current_load":0""")]
    [InlineData("""{"type":"pong","current_load":0,}""")]
    [InlineData("""{"type":"pong",/*c*/"current_load":0}""")]
    [InlineData("""{'type':'pong','current_load':0}""")]
    [InlineData("""{"type":"pong","current_load":01}""")]
    [InlineData("""{"type":"pong","current_load":0,"x":NaN}""")]
    public void DecodeWorkerMessage_MalformedJson_IsInvalidJson(string json) =>
        AssertError(RejectWorker(json), ProtocolErrorKind.InvalidJson, "invalid JSON");

    [Fact]
    public void DecodeWorkerMessage_ByteOrderMark_IsInvalidJson() =>
        Assert.Equal(ProtocolErrorKind.InvalidJson, RejectWorker([0xEF, 0xBB, 0xBF, .. "{\"type\":\"pong\",\"current_load\":0}"u8]).Kind);

    [Fact]
    public void DecodeWorkerMessage_InvalidUtf8Bytes_IsInvalidJson() =>
        AssertError(RejectWorker([.. "{\"type\":\"response_chunk\",\"request_id\":\"r\",\"chunk\":\""u8, 0xC3, 0x28, .. "\"}"u8]), ProtocolErrorKind.InvalidJson, "UTF-8");

    [Fact]
    public void DecodeWorkerMessage_InvalidUtf8InIgnoredField_IsInvalidJson() =>
        AssertError(RejectWorker([.. "{\"type\":\"pong\",\"current_load\":0,\"junk\":\""u8, 0xFF, .. "\"}"u8]), ProtocolErrorKind.InvalidJson, "UTF-8");

    [Fact]
    public void DecodeWorkerMessage_EncodedSurrogateBytes_IsInvalidJson() =>
        AssertError(RejectWorker([.. "{\"type\":\"response_chunk\",\"request_id\":\"r\",\"chunk\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8]), ProtocolErrorKind.InvalidJson, "UTF-8");

    [Theory]
    [InlineData("""{"type":"response_chunk","request_id":"r","chunk":"\ud800"}""", "\\ud800")]
    [InlineData("""{"type":"response_chunk","request_id":"r","chunk":"\udc00x"}""", "\\udc00")]
    [InlineData("""{"type":"response_chunk","request_id":"r","chunk":"\ud83d\u0041"}""", "\\ud83d")]
    [InlineData("""{"type":"response_chunk","request_id":"r","chunk":"\\\ud800"}""", "\\ud800")]
    [InlineData("""{"type":"pong","current_load":0,"junk":["\uDBFF"]}""", "\\udbff")]
    [InlineData("""{"type":"pong","current_load":0,"\ud800":1}""", "\\ud800")]
    public void DecodeWorkerMessage_LoneSurrogateEscape_IsInvalidJson(string json, string escape) =>
        AssertError(RejectWorker(json), ProtocolErrorKind.InvalidJson, "lone surrogate escape " + escape);

    [Fact]
    public void DecodeWorkerMessage_StringWithUnpairedSurrogateChar_IsInvalidJson() =>
        Assert.Equal(ProtocolErrorKind.InvalidJson, ProtocolCodec.DecodeWorkerMessage("{\"type\":\"response_chunk\",\"request_id\":\"r\",\"chunk\":\"\uD800\"}").Error?.Kind);

    [Fact]
    public void DecodeWorkerMessage_NestingDeeperThanSerdeLimit_IsInvalidJson()
    {
        var junk = new string('[', 200) + new string(']', 200);

        Assert.Equal(ProtocolErrorKind.InvalidJson, RejectWorker($$"""{"type":"pong","current_load":0,"junk":{{junk}}}""").Kind);
    }

    [Theory]
    [InlineData("""[{"type":"pong","current_load":0}]""", "an array")]
    [InlineData("\"pong\"", "a string")]
    [InlineData("42", "a number")]
    [InlineData("null", "null")]
    [InlineData("true", "a boolean")]
    public void DecodeWorkerMessage_TopLevelNotObject_IsNotAnObject(string json, string found) =>
        AssertError(RejectWorker(json), ProtocolErrorKind.NotAnObject, found);

    [Fact]
    public void DecodeWorkerMessage_NoType_IsMissingType() =>
        AssertError(RejectWorker("""{"current_load":0}"""), ProtocolErrorKind.MissingType, "missing field 'type'");

    [Theory]
    [InlineData("""{"type":null,"current_load":0}""", "null")]
    [InlineData("""{"type":7,"current_load":0}""", "a number")]
    [InlineData("""{"type":{"name":"pong"},"current_load":0}""", "an object")]
    [InlineData("""{"type":["pong"],"current_load":0}""", "an array")]
    public void DecodeWorkerMessage_TypeNotString_IsMissingType(string json, string found) =>
        AssertError(RejectWorker(json), ProtocolErrorKind.MissingType, "field 'type': expected a string, found " + found);

    [Fact]
    public void DecodeWorkerMessage_UnknownType_IsUnknownTypeNamingIt() =>
        AssertError(RejectWorker("""{"type":"hello","current_load":0}"""), ProtocolErrorKind.UnknownType, "'hello'");

    [Fact]
    public void DecodeWorkerMessage_TypeWithDifferentCase_IsUnknownType() =>
        Assert.Equal(ProtocolErrorKind.UnknownType, RejectWorker("""{"type":"Pong","current_load":0}""").Kind);

    [Fact]
    public void DecodeWorkerMessage_ProxyMessageType_IsUnknownType() =>
        AssertError(RejectWorker("""{"type":"ping"}"""), ProtocolErrorKind.UnknownType, "'ping'");

    [Fact]
    public void DecodeProxyMessage_WorkerMessageType_IsUnknownType() =>
        AssertError(RejectProxy("""{"type":"pong","current_load":0}"""), ProtocolErrorKind.UnknownType, "'pong'");

    [Fact]
    public void DecodeWorkerMessage_DuplicateType_IsDuplicateField() =>
        AssertError(RejectWorker("""{"type":"pong","current_load":0,"type":"pong"}"""), ProtocolErrorKind.DuplicateField, "field 'type'");

    [Fact]
    public void DecodeWorkerMessage_DuplicateKnownField_IsDuplicateField() =>
        AssertError(RejectWorker("""{"type":"response_chunk","request_id":"a","chunk":"x","request_id":"a"}"""), ProtocolErrorKind.DuplicateField, "field 'request_id': appears more than once");

    [Fact]
    public void DecodeWorkerMessage_DuplicateTokenCount_IsDuplicateField() =>
        AssertError(RejectWorker("""{"type":"response_complete","request_id":"a","status_code":200,"token_counts":{"total_tokens":1,"total_tokens":2}}"""), ProtocolErrorKind.DuplicateField, "field 'token_counts.total_tokens'");

    [Fact]
    public void DecodeWorkerMessage_DuplicateFieldSpelledWithEscape_IsDuplicateField() =>
        AssertError(RejectWorker("""{"type":"pong","current_load":0,"current\u005fload":1}"""), ProtocolErrorKind.DuplicateField, "field 'current_load'");

    [Theory]
    [InlineData("""{"type":"response_chunk","request_id":"r"}""", "chunk")]
    [InlineData("""{"type":"register","models":[],"max_concurrent":1}""", "worker_name")]
    [InlineData("""{"type":"register","worker_name":"w","max_concurrent":1}""", "models")]
    [InlineData("""{"type":"register","worker_name":"w","models":[]}""", "max_concurrent")]
    [InlineData("""{"type":"models_update","models":[]}""", "current_load")]
    [InlineData("""{"type":"response_complete","request_id":"r"}""", "status_code")]
    [InlineData("""{"type":"pong"}""", "current_load")]
    [InlineData("""{"type":"error","code":"c"}""", "message")]
    public void DecodeWorkerMessage_RequiredFieldAbsent_IsMissingField(string json, string field) =>
        AssertError(RejectWorker(json), ProtocolErrorKind.MissingField, $"missing field '{field}'");

    [Theory]
    [InlineData("""{"type":"response_chunk","request_id":"r","chunk":null}""", "chunk")]
    [InlineData("""{"type":"response_complete","request_id":"r","status_code":null}""", "status_code")]
    [InlineData("""{"type":"models_update","models":null,"current_load":0}""", "models")]
    [InlineData("""{"type":"register","worker_name":"w","models":[],"max_concurrent":null}""", "max_concurrent")]
    public void DecodeWorkerMessage_RequiredFieldNull_IsMissingField(string json, string field) =>
        AssertError(RejectWorker(json), ProtocolErrorKind.MissingField, $"'{field}'");

    [Theory]
    [InlineData("""{"type":"request","request_id":"r","model":"m","endpoint_path":"/v1/messages","body":"{}"}""", "is_streaming")]
    [InlineData("""{"type":"request","request_id":"r","model":"m","endpoint_path":"/v1/messages","is_streaming":null,"body":"{}"}""", "is_streaming")]
    [InlineData("""{"type":"cancel","request_id":"r"}""", "reason")]
    [InlineData("""{"type":"cancel","request_id":"r","reason":null}""", "reason")]
    [InlineData("""{"type":"register_ack","models":[]}""", "worker_id")]
    public void DecodeProxyMessage_RequiredFieldAbsentOrNull_IsMissingField(string json, string field) =>
        AssertError(RejectProxy(json), ProtocolErrorKind.MissingField, $"'{field}'");

    [Fact]
    public void DecodeProxyMessage_ExplicitNullHeaderMap_IsWrongFieldType() =>
        AssertError(RejectProxy("""{"type":"request","request_id":"r","model":"m","endpoint_path":"/v1/messages","is_streaming":false,"body":"{}","headers":null}"""), ProtocolErrorKind.WrongFieldType, "field 'headers': expected an object of strings, found null");

    [Fact]
    public void DecodeWorkerMessage_ExplicitNullHeaderMap_IsWrongFieldType() =>
        AssertError(RejectWorker("""{"type":"response_complete","request_id":"r","status_code":200,"headers":null}"""), ProtocolErrorKind.WrongFieldType, "field 'headers'");

    [Theory]
    [InlineData("""{"type":"response_complete","request_id":"r","status_code":200,"headers":{"a":1}}""", "headers")]
    [InlineData("""{"type":"response_complete","request_id":"r","status_code":200,"headers":{"a":null}}""", "headers")]
    [InlineData("""{"type":"response_complete","request_id":"r","status_code":"200"}""", "status_code")]
    [InlineData("""{"type":"response_complete","request_id":7,"status_code":200}""", "request_id")]
    [InlineData("""{"type":"response_complete","request_id":"r","status_code":200,"token_counts":[1,2,3]}""", "token_counts")]
    [InlineData("""{"type":"response_complete","request_id":"r","status_code":200,"token_counts":{"prompt_tokens":"1"}}""", "token_counts.prompt_tokens")]
    [InlineData("""{"type":"models_update","models":["a",null],"current_load":0}""", "models")]
    [InlineData("""{"type":"models_update","models":"a","current_load":0}""", "models")]
    [InlineData("""{"type":"register","worker_name":"w","models":[],"max_concurrent":true}""", "max_concurrent")]
    public void DecodeWorkerMessage_WrongJsonKind_IsWrongFieldType(string json, string field) =>
        AssertError(RejectWorker(json), ProtocolErrorKind.WrongFieldType, $"field '{field}'");

    [Theory]
    [InlineData("""{"type":"register_ack","worker_id":"w","models":[],"warnings":null}""", "warnings")]
    [InlineData("""{"type":"request","request_id":"r","model":"m","endpoint_path":"/","is_streaming":"yes","body":""}""", "is_streaming")]
    [InlineData("""{"type":"cancel","request_id":"r","reason":"bored"}""", "reason': unknown cancel reason 'bored'")]
    [InlineData("""{"type":"cancel","request_id":"r","reason":{"bored":"x"}}""", "reason': unknown cancel reason 'bored'")]
    [InlineData("""{"type":"cancel","request_id":"r","reason":{"other":null}}""", "reason")]
    [InlineData("""{"type":"cancel","request_id":"r","reason":{"other":"a","other2":"b"}}""", "reason': expected an object with exactly one key")]
    [InlineData("""{"type":"cancel","request_id":"r","reason":{}}""", "reason': expected an object with exactly one key")]
    [InlineData("""{"type":"cancel","request_id":"r","reason":3}""", "reason")]
    [InlineData("""{"type":"graceful_shutdown","reason":5}""", "reason")]
    public void DecodeProxyMessage_WrongJsonKind_IsWrongFieldType(string json, string detail) =>
        AssertError(RejectProxy(json), ProtocolErrorKind.WrongFieldType, detail);

    [Theory]
    [InlineData("status_code", "-1", "is negative u16")]
    [InlineData("status_code", "-0", "is negative u16")]
    [InlineData("status_code", "200.0", "is not an integer u16")]
    [InlineData("status_code", "2e2", "is not an integer u16")]
    [InlineData("status_code", "2E2", "is not an integer u16")]
    [InlineData("status_code", "65536", "does not fit u16")]
    public void DecodeWorkerMessage_StatusCodeOutsideU16_IsIntegerOutOfRange(string field, string number, string problem) =>
        AssertError(
            RejectWorker($$"""{"type":"response_complete","request_id":"r","{{field}}":{{number}}}"""),
            ProtocolErrorKind.IntegerOutOfRange,
            $"field '{field}': {number} {problem}");

    [Theory]
    [InlineData("""{"type":"register","worker_name":"w","models":[],"max_concurrent":4294967296}""", "max_concurrent", "4294967296 does not fit u32")]
    [InlineData("""{"type":"register","worker_name":"w","models":[],"max_concurrent":-1}""", "max_concurrent", "-1 is negative u32")]
    [InlineData("""{"type":"register","worker_name":"w","models":[],"max_concurrent":1.0}""", "max_concurrent", "1.0 is not an integer u32")]
    [InlineData("""{"type":"register","worker_name":"w","models":[],"max_concurrent":1e2}""", "max_concurrent", "1e2 is not an integer u32")]
    [InlineData("""{"type":"register","worker_name":"w","models":[],"max_concurrent":1,"current_load":4294967296}""", "current_load", "does not fit u32")]
    [InlineData("""{"type":"models_update","models":[],"current_load":-5}""", "current_load", "is negative u32")]
    [InlineData("""{"type":"pong","current_load":0.5}""", "current_load", "is not an integer u32")]
    [InlineData("""{"type":"pong","current_load":0,"timestamp_unix_ms":18446744073709551616}""", "timestamp_unix_ms", "does not fit u64")]
    [InlineData("""{"type":"pong","current_load":0,"timestamp_unix_ms":-1}""", "timestamp_unix_ms", "is negative u64")]
    [InlineData("""{"type":"pong","current_load":0,"timestamp_unix_ms":1.7e12}""", "timestamp_unix_ms", "is not an integer u64")]
    [InlineData("""{"type":"response_complete","request_id":"r","status_code":200,"token_counts":{"prompt_tokens":4294967296}}""", "token_counts.prompt_tokens", "does not fit u32")]
    [InlineData("""{"type":"response_complete","request_id":"r","status_code":200,"token_counts":{"completion_tokens":-1}}""", "token_counts.completion_tokens", "is negative u32")]
    [InlineData("""{"type":"response_complete","request_id":"r","status_code":200,"token_counts":{"total_tokens":18.0}}""", "token_counts.total_tokens", "is not an integer u32")]
    public void DecodeWorkerMessage_IntegerOutsideWidth_IsIntegerOutOfRange(string json, string field, string problem)
    {
        var error = RejectWorker(json);

        AssertError(error, ProtocolErrorKind.IntegerOutOfRange, $"field '{field}': ");
        Assert.EndsWith(problem, error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"graceful_shutdown","drain_timeout_secs":18446744073709551616}""", "drain_timeout_secs': 18446744073709551616 does not fit u64")]
    [InlineData("""{"type":"graceful_shutdown","drain_timeout_secs":-1}""", "drain_timeout_secs': -1 is negative u64")]
    [InlineData("""{"type":"graceful_shutdown","drain_timeout_secs":1.0}""", "drain_timeout_secs': 1.0 is not an integer u64")]
    [InlineData("""{"type":"ping","timestamp_unix_ms":99999999999999999999999}""", "timestamp_unix_ms': 99999999999999999999999 does not fit u64")]
    [InlineData("""{"type":"ping","timestamp_unix_ms":1e3}""", "timestamp_unix_ms': 1e3 is not an integer u64")]
    public void DecodeProxyMessage_IntegerOutsideU64_IsIntegerOutOfRange(string json, string detail) =>
        AssertError(RejectProxy(json), ProtocolErrorKind.IntegerOutOfRange, detail);
}
