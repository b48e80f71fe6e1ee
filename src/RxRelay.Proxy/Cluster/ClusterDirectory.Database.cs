using System.Reactive;
using RxRelay.Proxy.Database;

namespace RxRelay.Proxy.Cluster;

/// <summary>The directory's database calls: each reports failure in its result and logs an outage once, not per call.</summary>
internal sealed partial class ClusterDirectory
{
    private const string ReadOperation = "read";
    private const string WriteOperation = "heartbeat";
    private const string ListenOperation = "LISTEN";

    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);

    private async Task<IReadOnlyList<ReplicaRow>?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var rows = await _store.ReadAllAsync(cancellationToken);
            Recovered(ReadOperation);
            return rows;
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            Failed(ReadOperation, ex);
            return null;
        }
    }

    /// <summary>Writes <paramref name="row"/>: the heartbeat alone when offer and state were already written.</summary>
    private async Task<bool> WriteAsync(DesiredRow row, CancellationToken cancellationToken)
    {
        try
        {
            var full = !row.Equals(_written);
            if (!await _store.WriteAsync(row, full, _timing.ForgetAfter, cancellationToken))
            {
                ClusterLog.RowRewritten(_logger, ReplicaId);
                await _store.UpsertAsync(row, cancellationToken);
            }

            _written = row;
            Recovered(WriteOperation);
            return true;
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            Failed(WriteOperation, ex);
            return false;
        }
    }

    private Task ListenAsync(CancellationToken stopping) =>
        _database.ListenAsync(
            ReplicaSchema.Channel,
            _ => _signals.OnNext(DirectorySignal.Notification),
            _ =>
            {
                Recovered(ListenOperation);
                _signals.OnNext(DirectorySignal.ListenConnected); // changes made while nobody listened were not announced
                return Task.CompletedTask;
            },
            error =>
            {
                Failed(ListenOperation, error);
                _signals.OnNext(DirectorySignal.ListenLost);
            },
            (_timing.ListenPingInterval, _timing.ListenReconnectMinDelay, _timing.ListenReconnectMaxDelay),
            _time,
            stopping);

    private void Failed(string operation, Exception error)
    {
        lock (_failing)
        {
            if (!_failing.Add(operation))
            {
                return;
            }
        }

        _database.DropPooledConnections(); // else a heartbeat after the database's return could fail on a dead one, late by a whole period

        ClusterLog.DirectoryFailed(_logger, operation, _database.Cause(error));
    }

    private void Recovered(string operation)
    {
        bool heartbeatFailing;
        lock (_failing)
        {
            if (!_failing.Remove(operation))
            {
                return;
            }

            heartbeatFailing = _failing.Contains(WriteOperation);
        }

        ClusterLog.DirectoryRecovered(_logger, operation);
        if (heartbeatFailing)
        {
            _writeNow.OnNext(Unit.Default); // the database is back: the own row now, not at the next heartbeat
        }
    }
}
