# rxrelay-echo-backend: the demo's OpenAI/Anthropic-shaped echo backend, for docker-compose.yml.
#   docker build -f docker/echo-backend.Dockerfile -t rxrelay-echo-backend .
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY artifacts/publish/rxrelay-echo-backend/ ./
EXPOSE 8000
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8000 && printf 'GET /v1/models HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "rxrelay-echo-backend.dll", "--listen", "0.0.0.0:8000", "--models", "echo"]
