"""``ims serve`` on a free loopback port, always stopped again (the whole process group).

The server runs in its own session so one ``killpg`` reaches the gunicorn
master and every worker, even if the bench is interrupted.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from bench.core import PROJECT_DIR, BenchError
from bench.instance import IMS, Instance

HOST = "127.0.0.1"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


@dataclass(frozen=True)
class RunningServer:
    pid: int
    base_url: str
    log: Path


def free_port() -> int:
    """A port the kernel just handed out (never the development server's 8000)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _log_tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"ims serve exited with {proc.returncode} before answering:\n{_log_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise BenchError(f"ims serve did not answer {url} within {START_TIMEOUT:.0f} s:\n{_log_tail(log)}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the group (gunicorn's graceful stop), SIGKILL whatever is left after the timeout."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=STOP_TIMEOUT)
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # stray workers, even after the master exited
    proc.wait()


@contextmanager
def serve(instance: Instance, *, workers: int, threads: int) -> Iterator[RunningServer]:
    port = free_port()
    log = instance.root / "server.log"
    args = [str(IMS), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    args += ["--threads", str(threads)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            args, cwd=PROJECT_DIR, env=instance.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        base_url = f"http://{HOST}:{port}"
        _wait_healthy(proc, f"{base_url}/healthz", log)
        yield RunningServer(pid=proc.pid, base_url=base_url, log=log)
    finally:
        _stop(proc)
