#!/usr/bin/env python3
"""Checks what can be checked of the container images without a registry or a container engine.

For each docker/*.Dockerfile: the ENTRYPOINT is run from the published build (artifacts/publish/<program>)
with the image's ENV, as the image's non-root uid when this runs as root (setpriv), and the HEALTHCHECK
command must fail before the program is up and pass once it is. docker-compose.yml must parse and name
only Dockerfiles that exist. Not checked: the base image itself, COPY/USER semantics, the image build.
Usage: python3 docker/verify.py <repository root>
"""
import json, os, re, shutil, subprocess, sys, time

APP_UID = 1654  # the aspnet image's "app" user
SECRETS = {"WORKER_SECRET": "verify-secret", "PROXY_URL": "http://127.0.0.1:8080",
           "BACKEND_URL": "http://127.0.0.1:8000", "MODELS": "echo"}


def parse(path):
    text = re.sub(r"\\\n\s*", " ", open(path).read())
    env, entry, health = {}, None, None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("ENV "):
            for key, value in re.findall(r"(\w+)=(\S+)", line[4:]):
                env[key] = value
        elif line.startswith("ENTRYPOINT "):
            entry = json.loads(line[len("ENTRYPOINT "):])
        elif line.startswith("HEALTHCHECK "):
            health = json.loads(line[line.index("CMD ") + 4:])
        elif line.startswith("COPY "):
            source = line.split()[1].rstrip("/")
    return env, entry, health, source


def healthy(command, env):
    return subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10).returncode == 0


def check(root, dockerfile):
    env_add, entry, health, source = parse(dockerfile)
    name = os.path.basename(dockerfile)
    publish = os.path.join(root, source)
    assert entry and health, f"{name}: ENTRYPOINT and HEALTHCHECK CMD are required"
    assert os.path.isfile(os.path.join(publish, entry[1])), f"{name}: {entry[1]} not in {publish}; run the Publish target"
    assert shutil.which(health[0]), f"{name}: the health check needs {health[0]}"
    env = {k: v for k, v in os.environ.items() if k not in ("LISTEN_ADDR", "LOG_LEVEL", "LOG_FORMAT", "RXRELAY_METRICS_LISTEN")}
    env.update(SECRETS)
    env.update(env_add)
    env["HOME"] = "/tmp"
    command = [shutil.which(entry[0]) or entry[0]] + entry[1:]
    as_user = os.geteuid() == 0 and shutil.which("setpriv")
    if as_user:
        command = ["setpriv", f"--reuid={APP_UID}", f"--regid={APP_UID}", "--clear-groups"] + command
    assert not healthy(health, env), f"{name}: the health check passes with nothing running (port taken?)"
    program = subprocess.Popen(command, cwd=publish, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while not healthy(health, env):
            assert program.poll() is None, f"{name}: exited with {program.returncode}: {program.stdout.read()}"
            assert time.monotonic() < deadline, f"{name}: not healthy within 30 s"
            time.sleep(0.5)
    finally:
        program.terminate()
        output, _ = program.communicate(timeout=30)
    lines = [l for l in output.splitlines() if l.strip()]
    if env_add.get("LOG_FORMAT") == "json":
        for line in lines:
            json.loads(line)
    user = f"uid {APP_UID}" if as_user else "the current user"
    print(f"ok {name}: `{' '.join(entry)}` as {user} became healthy; exit code {program.returncode}; {len(lines)} log lines")


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    files = sorted(f for f in os.listdir(os.path.join(root, "docker")) if f.endswith(".Dockerfile"))
    for f in files:
        check(root, os.path.join(root, "docker", f))
    try:
        import yaml
    except ImportError:
        print("skipped docker-compose.yml: python3-yaml is not installed")
        return
    compose = yaml.safe_load(open(os.path.join(root, "docker-compose.yml")))
    for service, spec in compose["services"].items():
        assert os.path.isfile(os.path.join(root, spec["build"]["dockerfile"])), f"compose {service}: no {spec['build']['dockerfile']}"
    print(f"ok docker-compose.yml: services {', '.join(compose['services'])} each build an existing Dockerfile")


if __name__ == "__main__":
    main()
