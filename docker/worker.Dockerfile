# rxrelay-worker: the published framework-dependent build on the ASP.NET Core runtime image.
# Build from the repository root after `dotnet cake --target=Publish`:
#   docker build -f docker/worker.Dockerfile -t rxrelay-worker .
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY artifacts/publish/rxrelay-worker/ ./
# The worker opens no port unless asked; in the image its /metrics listener is on, and is also what the
# health check probes: it answers as long as the worker's host runs (liveness). A worker that cannot
# reach its proxy stays healthy on purpose: it reconnects by itself, and a restart would not help.
ENV RXRELAY_METRICS_LISTEN=0.0.0.0:9465 \
    LOG_FORMAT=json
EXPOSE 9465
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9465 && printf 'GET /metrics HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "rxrelay-worker.dll"]
