"""Running the real ``ims`` console script in a subprocess, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

IMS = Path(sys.executable).parent / "ims"


def operator_env(var_dir: Path, database_url: str) -> dict[str, str]:
    """A clean environment: none of the test suite's settings, only what an operator sets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMS_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "IMS_DEBUG": "true",
            "IMS_VAR_DIR": str(var_dir),
            "IMS_MEDIA_ROOT": str(var_dir / "media"),
        }
    )
    return env


def ims(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(IMS), *args], env=env, capture_output=True, text=True, timeout=120, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"ims {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result
