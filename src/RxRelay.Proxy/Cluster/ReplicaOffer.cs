using System.Text;
using System.Text.Json;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// What a replica's local workers offer, per provider and model (the directory's <c>offer</c> column). Two
/// offers are equal when their entries are, in order, so an unchanged dispatcher state writes nothing.
/// JSON: <c>{"models":[{"provider":…,"model":…,"workers":…,"capacity":…,"in_flight":…,"queued":…,"free":…}]}</c>.
/// </summary>
/// <param name="Models">Entries ordered by provider, then model (ordinal).</param>
internal sealed record ReplicaOffer(IReadOnlyList<ModelLoad> Models)
{
    /// <summary>No workers.</summary>
    public static ReplicaOffer Empty { get; } = new([]);

    /// <summary>Slots free for <paramref name="model"/> of <paramref name="provider"/>, wildcard workers included.</summary>
    public long FreeFor(string provider, string model) =>
        Models.Where(m => m.Provider == provider && (m.Model == model || m.Model == ModelList.Wildcard)).Sum(m => m.Free);

    /// <inheritdoc/>
    public bool Equals(ReplicaOffer? other) => other is not null && Models.SequenceEqual(other.Models);

    /// <inheritdoc/>
    public override int GetHashCode() => Models.Aggregate(Models.Count, static (hash, m) => HashCode.Combine(hash, m));

    /// <summary>The <c>offer</c> column's JSON.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteModels(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the <c>models</c> property: every entry with every field (the column's shape, also the admin view's).</summary>
    public void WriteModels(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray("models");
        foreach (var m in Models)
        {
            writer.WriteStartObject();
            writer.WriteString("provider", m.Provider);
            writer.WriteString("model", m.Model);
            writer.WriteNumber("workers", m.Workers);
            writer.WriteNumber("capacity", m.Capacity);
            writer.WriteNumber("in_flight", m.InFlight);
            writer.WriteNumber("queued", m.Queued);
            writer.WriteNumber("free", m.Free);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>Reads <see cref="ToJson"/>'s shape; null when the text is not that shape (a row someone else wrote).</summary>
    public static ReplicaOffer? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var models = new List<ModelLoad>();
            foreach (var m in document.RootElement.GetProperty("models").EnumerateArray())
            {
                models.Add(new ModelLoad(
                    m.GetProperty("provider").GetString()!,
                    m.GetProperty("model").GetString()!,
                    m.GetProperty("workers").GetInt32(),
                    m.GetProperty("capacity").GetInt64(),
                    m.GetProperty("in_flight").GetInt64(),
                    m.GetProperty("queued").GetInt32(),
                    m.GetProperty("free").GetInt64()));
            }

            return new ReplicaOffer(models);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
