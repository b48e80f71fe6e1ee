namespace RxRelay.Proxy.WorkerSockets;

/// <summary>The <c>http</c> crate's "visible ASCII" rule for header values, used wherever upstream calls <c>to_str()</c>.</summary>
internal static class HeaderText
{
    /// <summary>True when every character is a tab or in 0x20..0x7E.</summary>
    public static bool IsVisibleAscii(string value)
    {
        foreach (var c in value)
        {
            if (c != '\t' && (c < ' ' || c > '~'))
            {
                return false;
            }
        }

        return true;
    }
}
