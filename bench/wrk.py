"""Running ``wrk`` and reading its ``--latency`` report.

A run with socket errors or non-2xx/3xx answers measured something other than
the endpoint (error pages are cheap), so :meth:`WrkResult.problem` says so and
the section reports the figure as invalid instead of printing it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.core import BenchError

WRK = shutil.which("wrk") or "/usr/bin/wrk"

_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_P99 = re.compile(r"^\s*99(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)\s*$", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", re.MULTILINE)
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


@dataclass(frozen=True)
class WrkResult:
    requests: int
    rps: float
    p99_ms: float
    socket_errors: dict[str, int]
    non_2xx: int
    output: str

    @property
    def problem(self) -> str:
        """Why the run cannot be trusted, or an empty string."""
        problems = []
        if self.requests == 0:
            problems.append("no request completed")
        if self.non_2xx:
            problems.append(f"{self.non_2xx} non-2xx/3xx responses")
        errors = {kind: n for kind, n in self.socket_errors.items() if n}
        if errors:
            problems.append("socket errors " + ", ".join(f"{kind} {n}" for kind, n in errors.items()))
        return "; ".join(problems)


def to_ms(value: str, unit: str) -> float:
    """A wrk duration (``812.00us``, ``41.20ms``, ``1.02s``) in milliseconds."""
    return float(value) * _TIME_UNITS_MS[unit]


def parse(output: str) -> WrkResult:
    """Read a ``wrk --latency`` report; BenchError if a required line is missing."""
    p99, rps, total = _P99.search(output), _RPS.search(output), _TOTAL.search(output)
    if not (p99 and rps and total):
        raise BenchError(f"cannot read the wrk report (was --latency given?):\n{output}")
    socket = _SOCKET.search(output)
    non_2xx = _NON_2XX.search(output)
    kinds = ("connect", "read", "write", "timeout")
    return WrkResult(
        requests=int(total.group(1)),
        rps=float(rps.group(1)),
        p99_ms=to_ms(p99.group(1), p99.group(2)),
        socket_errors=dict(zip(kinds, map(int, socket.groups()), strict=True)) if socket else {},
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        output=output,
    )


def rotating_paths_script(path: Path, paths: list[str]) -> Path:
    """A wrk Lua script that sends the given request paths in turn (headers from ``-H`` still apply)."""
    quoted = ",\n  ".join(f'"{p}"' for p in paths)
    path.write_text(
        f"local paths = {{\n  {quoted}\n}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        "  return wrk.format(nil, paths[i])\n"
        "end\n"
    )
    return path


def run(
    url: str,
    *,
    duration: int,
    connections: int,
    threads: int,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
) -> WrkResult:
    args = [WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script is not None:
        args += ["-s", str(script)]
    args.append(url)
    try:
        proc = subprocess.run(args, capture_output=True, text=True, check=False, timeout=duration + 60)
    except FileNotFoundError:
        raise BenchError(f"wrk not found at {WRK}: install the Debian package 'wrk'.") from None
    if proc.returncode != 0:
        raise BenchError(f"wrk failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return parse(proc.stdout)
