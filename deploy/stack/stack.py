"""The production stack on one machine, from the shipped files, for CI and a local trial.

    deploy/stack/up       render, create the database, migrate, demo data, first build, start
    deploy/stack/down     stop everything, drop the database
    deploy/stack/manage   manage.py with the stack's environment (e.g. `shell`)
    deploy/stack/reload   nginx -s reload of the stack's nginx

It renders deploy/nginx/gongshi.conf and reads deploy/systemd/*.service as shipped,
substituting only paths, ports and addresses (RENDERED below); what nginx and the
processes do is what those files say. The stack lives in var/stack/: the rendered
configuration, the environment file, a self-signed certificate, the site directory,
the logs. nginx runs as a private master (its own prefix, pid and logs) as the current
user; a small supervisor stands in for systemd: it starts each unit's ExecStart with its
EnvironmentFile, and when a process dies, kills what is left of its process group (as
systemd does with a unit's cgroup) and starts it again after RestartSec.

Settings, all optional (environment):
    GONGSHI_STACK_HTTPS_PORT 9543   GONGSHI_STACK_HTTP_PORT 9580
    GONGSHI_STACK_CMS_PORT 9510     GONGSHI_STACK_SEARCH_PORT 9511
    GONGSHI_STACK_DATABASE_URL postgres://postgres@127.0.0.1:5432/gongshi_wt8a_stack
    GONGSHI_STACK_REDIS_URL redis://127.0.0.1:6379/1
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPOSITORY = Path(__file__).resolve().parents[2]
DEPLOY = REPOSITORY / "deploy"
STACK = REPOSITORY / "var" / "stack"
UNITS = ("gongshi-cms", "gongshi-search", "gongshi-worker")
DEMO_SUPERVISION_PASSPHRASE = "gongshi-demo-jiandu"  # as `make demo`; never for real data
# Production's places in the shipped files (docs/deploy.md).
PRODUCTION_APP = "/srv/gongshi/app"
PRODUCTION_VENV = "/srv/gongshi/venv"


def settings() -> dict:
    env = os.environ.get
    return {
        "https_port": int(env("GONGSHI_STACK_HTTPS_PORT", "9543")),
        "http_port": int(env("GONGSHI_STACK_HTTP_PORT", "9580")),
        "cms_port": int(env("GONGSHI_STACK_CMS_PORT", "9510")),
        "search_port": int(env("GONGSHI_STACK_SEARCH_PORT", "9511")),
        "database_url": env(
            "GONGSHI_STACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gongshi_wt8a_stack"
        ),
        "redis_url": env("GONGSHI_STACK_REDIS_URL", "redis://127.0.0.1:6379/1"),
    }


def base_url(config: dict) -> str:
    return f"https://127.0.0.1:{config['https_port']}"


# --- Rendering: paths, ports and addresses only ------------------------------------------


def rendered(text: str, config: dict) -> str:
    """The shipped text with this machine's paths, ports and addresses."""
    replacements = [
        # Longest first: the site directory is a path of its own in the stack.
        (f"{PRODUCTION_APP}/var/site", str(STACK / "site")),
        (PRODUCTION_APP, str(REPOSITORY)),
        (PRODUCTION_VENV, str(REPOSITORY / ".venv")),
        ("/etc/ssl/gongshi/", f"{STACK / 'tls'}/"),
        ("/var/log/nginx/", f"{STACK / 'logs'}/"),
        ("/etc/gongshi/gongshi.env", str(STACK / "gongshi.env")),
        ("127.0.0.1:8010", f"127.0.0.1:{config['cms_port']}"),
        ("127.0.0.1:8011", f"127.0.0.1:{config['search_port']}"),
        ("https://$host$request_uri", f"https://$host:{config['https_port']}$request_uri"),
    ]
    for old, new in replacements:
        text = text.replace(old, new)
    text = re.sub(r"(?m)^(\s*)listen 80;", rf"\1listen 127.0.0.1:{config['http_port']};", text)
    text = re.sub(
        r"(?m)^(\s*)listen 443 ssl", rf"\1listen 127.0.0.1:{config['https_port']} ssl", text
    )
    text = re.sub(r"(?m)^\s*listen \[::\]:.*\n", "", text)  # the loopback address only
    for production_path in ("/srv/gongshi", "/etc/ssl/gongshi", "/var/log/nginx"):
        if production_path in text:
            raise SystemExit(f"a production path is left after rendering: {production_path}")
    return text


def nginx_main_config(config: dict) -> str:
    """The main context Debian's /etc/nginx/nginx.conf gives in production, for a private
    master run by this user; the server itself is the shipped gongshi.conf."""
    temp = STACK / "nginx" / "temp"
    # Started by root (a CI container), nginx would hand its workers to `nobody`, who
    # may not enter the checkout: they stay with the user who started the stack.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    return f"""# Written by deploy/stack/stack.py: a private nginx for the stack.
{user}worker_processes 2;
pid {STACK / "nginx" / "nginx.pid"};
error_log {STACK / "logs" / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    access_log {STACK / "logs" / "access.log"};
    client_body_temp_path {temp}/client;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {STACK / "nginx" / "gongshi.conf"};
}}
"""


def environment_file(config: dict) -> str:
    """Every variable production.py reads (docs/deploy.md), with the stack's values."""
    url = base_url(config)
    values = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILADMIN_BASE_URL": url,
        "GONGSHI_SITE_URL": url,
        "DATABASE_URL": config["database_url"],
        "REDIS_URL": config["redis_url"],
        "GONGSHI_SITE_DIR": str(STACK / "site"),
        "GONGSHI_RECORD_KEY_FILE": str(STACK / "record" / "signing.key"),
        "DJANGO_HSTS_SECONDS": "300",
        "GONGSHI_CMS_BIND": f"127.0.0.1:{config['cms_port']}",
        "GONGSHI_SEARCH_BIND": f"127.0.0.1:{config['search_port']}",
        # One machine: no push to object storage (docs/scaling.md), so these stay empty.
        "GONGSHI_SITE_PUSH_URL": "",
        "GONGSHI_SITE_PUSH_ENDPOINT_URL": "",
        "GONGSHI_SITE_PUSH_REGION": "",
    }
    return "".join(f"{name}={value}\n" for name, value in values.items())


def read_environment_file(path: Path) -> dict:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def unit(name: str, config: dict) -> dict:
    """What the supervisor needs from a shipped systemd unit, rendered for this machine."""
    text = rendered((DEPLOY / "systemd" / f"{name}.service").read_text(), config)
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            fields.setdefault(key.strip(), []).append(value.strip())
    environment = read_environment_file(Path(fields["EnvironmentFile"][0]))
    for assignment in fields.get("Environment", []):
        key, _, value = assignment.partition("=")
        environment[key] = value
    return {
        "name": name,
        "command": shlex.split(fields["ExecStart"][0]),
        "directory": fields["WorkingDirectory"][0],
        "environment": environment,
        "restart_seconds": float(fields.get("RestartSec", ["1"])[0]),
        "stop_seconds": float(fields.get("TimeoutStopSec", ["30"])[0]),
        "restart": fields.get("Restart", ["no"])[0],
    }


# --- Up ----------------------------------------------------------------------------------


def up(config: dict) -> None:
    if (STACK / "supervisor.pid").exists():
        raise SystemExit("the stack is already up (deploy/stack/down first)")
    for folder in ("nginx/temp", "logs", "tls", "site", "run"):
        (STACK / folder).mkdir(parents=True, exist_ok=True)
    (STACK / "config.json").write_text(json.dumps(config))
    self_signed_certificate()
    (STACK / "gongshi.env").write_text(environment_file(config))
    conf = rendered((DEPLOY / "nginx" / "gongshi.conf").read_text(), config)
    (STACK / "nginx" / "gongshi.conf").write_text(conf)
    (STACK / "nginx" / "nginx.conf").write_text(nginx_main_config(config))

    step("fresh database, empty queue, no site")
    recreate_database(config["database_url"])
    # The site an earlier run built belongs to that database: its publication log is
    # longer than the new one's, and the first build would rightly refuse it (ADR 31).
    for built in (STACK / "site").iterdir():
        if built.is_symlink() or not built.is_dir():
            built.unlink()
        else:
            shutil.rmtree(built)
    import redis

    redis.Redis.from_url(config["redis_url"]).flushdb()
    step("migrate, demo data, supervision and record keys, static files, first build")
    manage("migrate", "--no-input", "-v0")
    manage("load_demo")
    manage(
        "supervision_keys",
        "init",
        "--if-missing",
        SUPERVISION_PASSPHRASE=DEMO_SUPERVISION_PASSPHRASE,
    )
    manage("record_key", "init", "--if-missing")
    manage("collectstatic", "--no-input", "-v0")
    manage("build_site", "--now", "--reason", "生产栈首次构建")

    step("processes: gunicorn (CMS), gunicorn (search), worker; nginx")
    log = open(STACK / "logs" / "supervisor.log", "ab")
    supervisor = subprocess.Popen(
        [sys.executable, __file__, "supervise"],
        cwd=REPOSITORY,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    (STACK / "supervisor.pid").write_text(str(supervisor.pid))
    nginx("-t", quiet=True)
    nginx()
    wait_healthy(config)
    print(f"stack up: {base_url(config)}/  (admin {base_url(config)}/admin/)")


def step(text: str) -> None:
    print(f"-- {text}", flush=True)


def self_signed_certificate() -> None:
    """An ECDSA P-256 key, as certbot and most ACME clients issue by default (docs/deploy.md
    §7): its TLS handshake signs in a twelfth of an RSA-2048 key's CPU time."""
    key, certificate = STACK / "tls" / "privkey.pem", STACK / "tls" / "fullchain.pem"
    if certificate.exists():
        return
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "30",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip


def recreate_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"unexpected database name: {name}")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def stack_environment() -> dict:
    environment = {**os.environ, **read_environment_file(STACK / "gongshi.env")}
    environment["DJANGO_SETTINGS_MODULE"] = "cms.settings.production"
    return environment


def manage(*arguments: str, **extra_environment: str) -> None:
    environment = {**stack_environment(), **extra_environment}
    python = REPOSITORY / ".venv" / "bin" / "python"
    subprocess.run(
        [str(python), "manage.py", *arguments], cwd=REPOSITORY, env=environment, check=True
    )


def nginx(*arguments: str, quiet: bool = False) -> None:
    command = ["nginx", "-p", str(STACK / "nginx"), "-c", str(STACK / "nginx" / "nginx.conf"),
               "-e", str(STACK / "logs" / "error.log"), *arguments]  # fmt: skip
    subprocess.run(command, check=True, capture_output=quiet)


def wait_healthy(config: dict, timeout: float = 90) -> None:
    url = base_url(config)
    checks = ["/", "/search/?q=%E8%B4%A8%E9%87%8F", "/admin/login/", "/report/"]
    context = ssl._create_unverified_context()  # the stack's own self-signed certificate
    deadline = time.monotonic() + timeout
    for path in checks:
        while True:
            try:
                with urllib.request.urlopen(url + path, context=context, timeout=10) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, OSError) as error:
                last = error
            if time.monotonic() > deadline:
                raise SystemExit(f"not healthy: {path}: {last} (see {STACK / 'logs'})")
            time.sleep(0.5)


# --- The supervisor (systemd's part) ----------------------------------------------------


class Supervisor:
    def __init__(self, config: dict):
        self.units = {name: unit(name, config) for name in UNITS}
        self.processes: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def start(self, name: str) -> None:
        spec = self.units[name]
        log = open(STACK / "logs" / f"{name}.log", "ab")
        process = subprocess.Popen(
            spec["command"],
            cwd=spec["directory"],
            env={**os.environ, **spec["environment"]},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the unit's cgroup
        )
        self.processes[name] = process
        (STACK / "run" / f"{name}.pid").write_text(str(process.pid))
        self.say(f"{name} started, pid {process.pid}")

    def run(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: self.stop())
        for name in UNITS:
            self.start(name)
        while not self.stopping:
            for name, process in list(self.processes.items()):
                code = process.poll()
                if code is None or self.stopping:
                    continue
                self.say(f"{name} exited with {code}")
                kill_group(process.pid, signal.SIGKILL)  # what is left of the unit
                if self.units[name]["restart"] == "on-failure" and code != 0:
                    time.sleep(self.units[name]["restart_seconds"])
                    if not self.stopping:
                        self.start(name)
                else:
                    del self.processes[name]
            time.sleep(0.2)

    def stop(self) -> None:
        """KillMode=mixed: SIGTERM to the main process, SIGKILL to the group after
        TimeoutStopSec."""
        self.stopping = True
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in self.processes.items():
            try:
                process.wait(timeout=self.units[name]["stop_seconds"])
            except subprocess.TimeoutExpired:
                self.say(f"{name} did not stop in time: killed")
            kill_group(process.pid, signal.SIGKILL)
        self.say("stopped")
        sys.exit(0)

    def say(self, text: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {text}", flush=True)


def kill_group(pid: int, signal_number: int) -> None:
    try:
        os.killpg(pid, signal_number)
    except ProcessLookupError:
        pass


# --- Down --------------------------------------------------------------------------------


def down(config: dict) -> None:
    pid_file = STACK / "nginx" / "nginx.pid"
    try:  # read before asking nginx to quit: nginx removes the file as it goes
        nginx_pid = int(pid_file.read_text())
    except (FileNotFoundError, ValueError):
        nginx_pid = None
    if nginx_pid is not None:
        try:
            nginx("-s", "quit", quiet=True)
            wait_gone(nginx_pid, 10)
        except subprocess.CalledProcessError:
            pid_file.unlink(missing_ok=True)  # left by an nginx that is gone
    supervisor_pid = STACK / "supervisor.pid"
    if supervisor_pid.exists():
        pid = int(supervisor_pid.read_text())
        try:
            os.kill(pid, signal.SIGTERM)
            wait_gone(pid, 150)
        except ProcessLookupError:
            pass
        supervisor_pid.unlink()
    import psycopg

    parts = urlsplit(config["database_url"])
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {parts.path.lstrip('/')} WITH (FORCE)")
    print("stack down")


def wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down", "supervise", "manage", "reload"])
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    saved = STACK / "config.json"
    if options.action == "up":
        up(settings())
    elif options.action == "down":
        down(json.loads(saved.read_text()) if saved.exists() else settings())
    elif options.action == "supervise":
        Supervisor(json.loads(saved.read_text())).run()
    elif options.action == "manage":
        manage(*options.arguments)
    elif options.action == "reload":
        nginx("-s", "reload")  # new configuration; connections in flight finish on the old


if __name__ == "__main__":
    main()
