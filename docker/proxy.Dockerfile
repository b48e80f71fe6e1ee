# rxrelay-proxy: the published framework-dependent build on the ASP.NET Core runtime image.
# Build from the repository root after `dotnet cake --target=Publish`:
#   docker build -f docker/proxy.Dockerfile -t rxrelay-proxy .
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY artifacts/publish/rxrelay-proxy/ ./
# In a container the proxy must listen beyond loopback; every other setting comes from the environment
# (WORKER_SECRET is required by the workers, so set it at `docker run` / in compose).
ENV LISTEN_ADDR=0.0.0.0:8080 \
    LOG_FORMAT=json
EXPOSE 8080
# The image's own non-root user (uid 1654, "app").
USER $APP_UID
# No curl or wget in the runtime image: bash's /dev/tcp speaks the one HTTP/1.0 request. GET /health
# answers 200 while the proxy serves (503 once it is draining).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "rxrelay-proxy.dll"]
