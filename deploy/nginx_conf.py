"""nginx's configuration from its one template, deploy/nginx.conf.in, and nginx run from it as a child process.

    python deploy/nginx_conf.py > deploy/nginx.conf     # production: the documented paths, TLS, three app hosts

The same template, with its own port, upstreams and directories, serves the tests (tests/test_nginx.py) and the
benchmark (bench/nginx.py): `LocalNginx` runs nginx in the foreground under a directory of its own (pid, logs,
temporary files, cache), never the system's nginx nor its port.
"""

import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf.in")
PRODUCTION_UPSTREAMS = ("10.0.0.11:8000", "10.0.0.12:8000", "10.0.0.13:8000")
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")

PRODUCTION_SERVERS = """\
    server {
        listen 80;
        listen [::]:80;
        server_name _;
        return 301 https://$host$request_uri;
    }

    server {
        listen 443 ssl http2;
        listen [::]:443 ssl http2;
        server_name whodecides.example.org;

        ssl_certificate /etc/ssl/whodecides/fullchain.pem;
        ssl_certificate_key /etc/ssl/whodecides/privkey.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:tls:10m;
"""

# Plain HTTP on one address: the tests and the benchmark measure the proxy, not TLS.
LOCAL_SERVER = """\
    server {
        listen %s;
        server_name _;
"""

PRODUCTION = {
    "user": "user www-data;",
    "worker_processes": "auto",
    "run": "/run",
    "logs": "/var/log/nginx",
    "access_log": "/var/log/nginx/access.log",
    "temp": "/var/lib/nginx",
    "cache": "/var/cache/nginx",
    "static_root": "/srv/whodecides/static",
}


def render(values: dict[str, str]) -> str:
    """The template with every placeholder filled; a missing value is an error, never an empty directive."""
    missing = set(PLACEHOLDER.findall(TEMPLATE.read_text())) - set(values)
    if missing:
        raise ValueError(f"deploy/nginx.conf.in needs values for {', '.join(sorted(missing))}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], TEMPLATE.read_text())


def upstream_lines(addresses: Sequence[str]) -> str:
    return "\n".join(f"        server {address} max_fails=3 fail_timeout=10s;" for address in addresses)


def production() -> str:
    return render(
        {**PRODUCTION, "upstream_servers": upstream_lines(PRODUCTION_UPSTREAMS), "servers": PRODUCTION_SERVERS}
    )


def local(directory: Path, *, listen: str, upstreams: Sequence[str], static_root: Path, workers: int = 1) -> str:
    """For an nginx whose every file is under `directory` (made here)."""
    for name in ["run", "logs", "temp", "cache"]:
        (directory / name).mkdir(parents=True, exist_ok=True)
    return render(
        {
            # Its workers as whoever started it, who owns `directory` (as root, nginx would otherwise use `nobody`).
            "user": f"user {pwd.getpwuid(os.geteuid()).pw_name};",
            "worker_processes": str(workers),
            "run": str(directory / "run"),
            "logs": str(directory / "logs"),
            "access_log": str(directory / "logs" / "access.log"),
            "temp": str(directory / "temp"),
            "cache": str(directory / "cache"),
            "static_root": str(static_root).rstrip("/"),
            "upstream_servers": upstream_lines(upstreams),
            "servers": LOCAL_SERVER % listen,
        }
    )


def nginx_binary() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, *, seconds: float = 30, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port} after {seconds} s")


class LocalNginx:
    """nginx in the foreground (`daemon off`), as a child of this process, on 127.0.0.1:`port`."""

    def __init__(
        self, directory: Path, *, upstreams: Sequence[str], static_root: Path, port: int = 0, workers: int = 1
    ) -> None:
        binary = nginx_binary()
        if binary is None:
            raise FileNotFoundError("nginx is not installed: apt-get install -y nginx")
        self.binary = binary
        self.directory = directory
        self.port = port or free_port()
        self.conf = directory / "nginx.conf"
        listen = f"127.0.0.1:{self.port}"
        self.conf.write_text(
            local(directory, listen=listen, upstreams=upstreams, static_root=static_root, workers=workers)
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *extra: str) -> list[str]:
        # -e: the error log before the configuration is read (the package's default is /var/log/nginx).
        error_log = str(self.directory / "logs" / "error.log")
        return [self.binary, "-p", str(self.directory), "-c", str(self.conf), "-e", error_log, *extra]

    def start(self) -> "LocalNginx":
        checked = subprocess.run(self.command("-t", "-q"), capture_output=True, text=True)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx refuses {self.conf}: {checked.stderr}")
        self.process = subprocess.Popen(self.command("-g", "daemon off;"))
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()  # SIGTERM: nginx's fast shutdown, workers included
        self.process.wait(timeout=30)
        self.process = None

    def __enter__(self) -> "LocalNginx":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    sys.stdout.write(production())
