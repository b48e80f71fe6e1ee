using System.Text.Json;
using RxRelay.Protocol.Messages;

namespace RxRelay.Protocol.Json;

/// <summary>
/// The known cancel reasons of docs/protocol.md#cancel-reasons, in one table shared by the writer (which refuses
/// to emit a string upstream would reject) and the reader (which maps wire strings to the static values).
/// </summary>
internal static class CancelReasonNames
{
    private static readonly CancelReason[] Known =
    [
        CancelReason.ClientDisconnect,
        CancelReason.Timeout,
        CancelReason.GracefulShutdown,
        CancelReason.WorkerDisconnect,
        CancelReason.RequeueExhausted,
        CancelReason.ServerShutdown,
    ];

    /// <summary>The index of a known reason's wire string, or -1.</summary>
    public static int IndexOf(string value)
    {
        for (var i = 0; i < Known.Length; i++)
        {
            if (string.Equals(Known[i].Value, value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Matches the current string or property-name token (escapes resolved) against the known reasons.</summary>
    public static CancelReason? Match(ref Utf8JsonReader reader)
    {
        foreach (var reason in Known)
        {
            if (reader.ValueTextEquals(reason.Value))
            {
                return reason;
            }
        }

        return null;
    }
}
