"""Run several Streamlit processes of app.py behind nginx on loopback, with sticky sessions.

    python -m deploy.behind_nginx [--processes 3] [--port 8500] [--data DIR] [--prefix DIR]

Renders ``deploy/nginx/streamlit.conf`` into a prefix folder (a fresh temporary one by default: nginx's pid file,
logs and temporary files go there, so nothing needs root-only paths), starts one ``streamlit run app.py`` per
process on the next loopback ports, then nginx in the foreground (``nginx -p PREFIX -c PREFIX/nginx.conf``), and
waits until the app answers through nginx. Ctrl-C (or SIGTERM) stops nginx and every process it started.
Standard library only. ``python -m benchmarks.load --behind-nginx 3`` runs the load test against the same setup.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONFIG = Path(__file__).resolve().parent / "nginx" / "streamlit.conf"
NGINX = "nginx"
HOST = "127.0.0.1"
SERVER_LINE = re.compile(r"^(\s*)server 127\.0\.0\.1:\d+;\n", re.MULTILINE)
LISTEN_LINE = re.compile(r"listen 127\.0\.0\.1:\d+;")


@dataclass(frozen=True)
class Deployment:
    """What is running: the address readers open, and the Streamlit processes' ids (for their memory and CPU)."""

    url: str
    app_pids: tuple[int, ...]
    app_urls: tuple[str, ...]  # each process directly, bypassing nginx
    nginx_pid: int
    prefix: Path


def nginx_available() -> bool:
    return shutil.which(NGINX) is not None


def render_config(listen_port: int, app_ports: list[int]) -> str:
    """The example config with its listen port and one upstream server line per process."""
    text = CONFIG.read_text(encoding="utf-8")
    if len(SERVER_LINE.findall(text)) == 0 or not LISTEN_LINE.search(text):
        raise ValueError(f"{CONFIG} has no listen line or upstream server lines to fill in")
    written = []

    def servers(line: re.Match[str]) -> str:
        """The first server line becomes all of ours; the example's others go."""
        if written:
            return ""
        written.append(True)
        return "".join(f"{line.group(1)}server {HOST}:{app_port};\n" for app_port in app_ports)

    text = SERVER_LINE.sub(servers, text)
    return LISTEN_LINE.sub(f"listen {HOST}:{listen_port};", text, count=1)


def free_ports(count: int) -> list[int]:
    """``count`` loopback ports free right now (held open together, so they differ)."""
    with contextlib.ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind((HOST, 0))
        return [probe.getsockname()[1] for probe in probes]


# A served deployment does not watch its source files: the watcher scans every loaded module for each new session
# (about 40 % of a busy server's CPU while 50 sessions open; benchmarks/load.py). Restart the processes to update.
SERVED = ("--server.fileWatcherType=none",)


def start_streamlit(
    port: int, env: dict[str, str], log: Path, options: tuple[str, ...] = ()
) -> subprocess.Popen[bytes]:
    """``streamlit run app.py`` on a loopback port with extra ``--option=value``s, its output appended to ``log``."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_ROOT / "app.py"),
        f"--server.address={HOST}",
        f"--server.port={port}",
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
        *options,
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait_healthy(base: str, deadline: float, processes: list[subprocess.Popen[bytes]]) -> None:
    """Wait until ``base``/_stcore/health answers 200; fail at once if one of ``processes`` exited."""
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} (pid {process.pid}) exited with {process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{base} did not answer its health check in time")


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def behind_nginx(
    processes: int,
    port: int,
    data: Path | None = None,
    prefix: Path | None = None,
    timeout: float = 120,
) -> Iterator[Deployment]:
    """Start ``processes`` Streamlit processes on ports ``port + 1``... and nginx on ``port`` (0: free ports picked
    at random); stop them all on exit."""
    if not nginx_available():
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
    owned = prefix is None
    prefix = Path(tempfile.mkdtemp(prefix="monitor-nginx-")) if prefix is None else prefix
    for folder in ("logs", "tmp"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    ports = free_ports(processes + 1) if port == 0 else [port + index for index in range(processes + 1)]
    port, app_ports = ports[0], ports[1:]
    (prefix / "nginx.conf").write_text(render_config(port, app_ports), encoding="utf-8")
    # One cookie secret for all: the XSRF cookie one process signs is checked by whichever process serves an upload.
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "STREAMLIT_SERVER_COOKIE_SECRET": os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_hex(32),
    }
    if data is not None:
        env["MONITOR_DATA_DIR"] = str(data)
    started: list[subprocess.Popen[bytes]] = []
    try:
        apps = [
            start_streamlit(app_port, env, prefix / "logs" / f"streamlit-{app_port}.log", SERVED)
            for app_port in app_ports
        ]
        started.extend(apps)
        deadline = time.monotonic() + timeout
        for app_port in app_ports:
            wait_healthy(f"http://{HOST}:{app_port}", deadline, apps)
        nginx = subprocess.Popen(
            [
                NGINX,
                "-p",
                str(prefix),
                "-c",
                str(prefix / "nginx.conf"),
                "-e",
                str(prefix / "logs" / "error.log"),
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=(prefix / "logs" / "nginx.out").open("ab"),
        )
        started.append(nginx)
        url = f"http://{HOST}:{port}"
        wait_healthy(url, deadline, started)
        yield Deployment(
            url=url,
            app_pids=tuple(app.pid for app in apps),
            app_urls=tuple(f"http://{HOST}:{app_port}" for app_port in app_ports),
            nginx_pid=nginx.pid,
            prefix=prefix,
        )
    finally:
        stop(started[::-1])  # nginx first, so no reader is sent to a stopping process
        if owned:
            shutil.rmtree(prefix, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.behind_nginx", description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=3, help="Streamlit processes (about one per CPU core)")
    parser.add_argument("--port", type=int, default=8500, help="nginx listens here; the processes on the next ports")
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: the shipped data/)")
    parser.add_argument("--prefix", type=Path, default=None, help="nginx prefix folder (default: a temporary one)")
    args = parser.parse_args(argv)
    if not 1 <= args.processes <= 16:
        parser.error("--processes takes 1 to 16")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # run the context manager's clean-up on SIGTERM too
    with behind_nginx(args.processes, args.port, args.data, args.prefix) as deployment:
        print(f"open {deployment.url}  (Streamlit pids {', '.join(map(str, deployment.app_pids))}; Ctrl-C stops)")
        print(f"nginx prefix: {deployment.prefix}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(main())
