using System.IO.Compression;
using System.Text;

namespace RxRelay.IntegrationTests.WorkerAgainstFakeProxy;

internal static class Gzip
{
    public static byte[] Compress(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
            gzip.Write(Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }
}
