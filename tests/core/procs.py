"""Run IMS in a child process: settings are read once, at import, from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

IMS = Path(sys.executable).parent / "ims"
SETUP = "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'ims.settings'; import django; django.setup()"


def minimal_env(var_dir: Path, **variables: str) -> dict[str, str]:
    """PATH and HOME only, IMS_VAR_DIR in a temporary directory, plus the variables under test."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(var_dir),
        "IMS_VAR_DIR": str(var_dir),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(variables)
    return env


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
    )


def django_setup(env: dict[str, str], cwd: Path, then: str = "") -> subprocess.CompletedProcess[str]:
    """``django.setup()`` with ``ims.settings``, optionally followed by more Python code."""
    code = SETUP + (f"; {then}" if then else "")
    return run([sys.executable, "-c", code], env, cwd)


def ims(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed ``ims`` console script."""
    return run([str(IMS), *args], env, cwd)
