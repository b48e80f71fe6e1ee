using Npgsql;
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

    private async Task ListenAsync(CancellationToken stopping)
    {
        var delay = _timing.ListenReconnectMinDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _database.OpenListenerAsync(stopping);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {ReplicaSchema.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                Recovered(ListenOperation);
                delay = _timing.ListenReconnectMinDelay;
                _signals.OnNext(DirectorySignal.ListenConnected); // changes made while nobody listened were not announced
                while (true)
                {
                    if (!await connection.WaitAsync(_timing.ListenPingInterval, stopping))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteNonQueryAsync(stopping);
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
            {
                Failed(ListenOperation, ex);
                _signals.OnNext(DirectorySignal.ListenLost);
            }

            try
            {
                await Task.Delay(delay, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _timing.ListenReconnectMaxDelay.Ticks));
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e) => _signals.OnNext(DirectorySignal.Notification);

    private void Failed(string operation, Exception error)
    {
        lock (_failing)
        {
            if (!_failing.Add(operation))
            {
                return;
            }
        }

        ClusterLog.DirectoryFailed(_logger, operation, _database.Cause(error));
    }

    private void Recovered(string operation)
    {
        lock (_failing)
        {
            if (!_failing.Remove(operation))
            {
                return;
            }
        }

        ClusterLog.DirectoryRecovered(_logger, operation);
    }
}
