using System.Globalization;
using System.Text;

namespace RxRelay.Testing.Tools;

/// <summary>
/// The <c>nginx.conf</c> of a <see cref="NginxServer"/>: everything inside its prefix folder (pid, temp paths,
/// access log), errors to stderr (the test's output), one worker process, one <c>upstream</c>. The worker
/// route is a WebSocket upgrade with day-long timeouts; every other route is proxied with HTTP/1.1,
/// unbuffered (SSE arrives chunk by chunk) and retried on the next server when connecting fails or nothing
/// was sent to the client yet (<c>proxy_next_upstream error timeout non_idempotent</c>), as a load balancer
/// in front of RxRelay replicas is documented to be set up.
/// </summary>
internal static class NginxConfig
{
    /// <summary>The config text for a server on <paramref name="port"/> with prefix <paramref name="prefix"/>.</summary>
    public static string Render(NginxOptions options, string prefix, int port, bool asRoot)
    {
        var upstreams = new StringBuilder();
        foreach (var upstream in options.UpstreamPorts)
        {
            upstreams.Append(Invariant($"        server 127.0.0.1:{upstream} max_fails={options.MaxFails} fail_timeout={Seconds(options.FailTimeout)};\n"));
        }

        var user = asRoot ? "user root;\n" : string.Empty;
        return Invariant($$"""
            {{user}}daemon off;
            master_process on;
            worker_processes 1;
            worker_rlimit_nofile {{options.WorkerConnections * 2}};
            pid {{prefix}}/nginx.pid;
            error_log stderr warn;

            events {
                worker_connections {{options.WorkerConnections}};
            }

            http {
                log_format relay '$remote_addr "$request" $status upstream=$upstream_addr upstream_status=$upstream_status time=$request_time';
                access_log {{prefix}}/access.log relay;
                client_body_temp_path {{prefix}}/client_body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                client_max_body_size 16m;

                upstream rxrelay {
            {{upstreams}}        keepalive 64;
                }

                map $http_upgrade $connection_upgrade {
                    default upgrade;
                    ''      close;
                }

                server {
                    listen 127.0.0.1:{{port}};

                    location /v1/worker/connect {
                        proxy_pass http://rxrelay;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection $connection_upgrade;
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_connect_timeout {{Seconds(options.ConnectTimeout)}};
                        proxy_read_timeout 1d;
                        proxy_send_timeout 1d;
                        proxy_buffering off;
                    }

                    location / {
                        proxy_pass http://rxrelay;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_buffering off;
                        proxy_cache off;
                        proxy_next_upstream error timeout non_idempotent;
                        proxy_connect_timeout {{Seconds(options.ConnectTimeout)}};
                        proxy_read_timeout {{Seconds(options.ReadTimeout)}};
                        proxy_send_timeout {{Seconds(options.ReadTimeout)}};
                    }
                }
            }

            """);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // nginx takes "ms" for fractions; whole seconds read best as "s".
    private static string Seconds(TimeSpan span) =>
        span.TotalMilliseconds % 1000 == 0
            ? ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
            : ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
