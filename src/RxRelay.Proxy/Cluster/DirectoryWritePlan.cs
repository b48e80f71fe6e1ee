using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace RxRelay.Proxy.Cluster;

/// <summary>An offer with its version: 0 for the one written at start, +1 for each change.</summary>
internal sealed record VersionedOffer(ReplicaOffer Offer, long Version);

/// <summary>What the own row should hold; each write sends the latest, so a dropped write loses nothing.</summary>
internal sealed record DesiredRow(ReplicaOffer Offer, long OfferVersion, ReplicaState State);

/// <summary>
/// The pure half of the directory writer (issue 14): which row contents to write, and when. Every time rule
/// runs on the given scheduler; <see cref="ClusterDirectory"/> does the SQL.
/// </summary>
internal static class DirectoryWritePlan
{
    /// <summary>
    /// Offer changes coalesced: at most one per <paramref name="window"/>, carrying the latest offer, and only
    /// when it differs from the last one (A → B → A inside one window writes nothing). Versions count from
    /// <paramref name="initial"/>'s, which is not repeated.
    /// </summary>
    public static IObservable<VersionedOffer> CoalesceOffers(IObservable<ReplicaOffer> offers, VersionedOffer initial, TimeSpan window, IScheduler scheduler) =>
        offers.Sample(window, scheduler)
            .Scan(initial, static (last, offer) => offer.Equals(last.Offer) ? last : new VersionedOffer(offer, last.Version + 1))
            .StartWith(initial)
            .DistinctUntilChanged(static v => v.Version)
            .Skip(1);

    /// <summary>
    /// The rows to write: each change of offer or state at once, then the same row again every
    /// <paramref name="heartbeat"/> until the next change (which restarts the period). The first row is the
    /// one the start-up upsert wrote, so it is only repeated, never written at once. Each
    /// <paramref name="writeNow"/> (the database answers again after failed heartbeats) writes the current row at
    /// once, outside the period: the others see this replica alive again without waiting up to a heartbeat.
    /// </summary>
    public static IObservable<DesiredRow> Writes(
        IObservable<VersionedOffer> offers, IObservable<ReplicaState> states, DesiredRow initial, TimeSpan heartbeat,
        IObservable<Unit> writeNow, IScheduler scheduler) =>
        offers.StartWith(new VersionedOffer(initial.Offer, initial.OfferVersion))
            .CombineLatest(states.StartWith(initial.State), static (o, s) => new DesiredRow(o.Offer, o.Version, s))
            .DistinctUntilChanged()
            .Select((row, index) =>
            {
                var beats = Observable.Interval(heartbeat, scheduler).Select(_ => row).Merge(writeNow.Select(_ => row));
                return index == 0 ? beats : beats.StartWith(row);
            })
            .Switch();
}
