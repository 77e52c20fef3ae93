"""A throw-away IMS installation under ``bench/out/``: its own database, secret and var dir.

Settings read the environment at import, so everything runs in subprocesses
started with :meth:`Instance.env`; the bench process itself never imports
Django settings and can host several instances one after another.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.core import OUT_DIR, PROJECT_DIR, BenchError

BIN_DIR = Path(sys.executable).parent
IMS = BIN_DIR / "ims"


@dataclass
class Instance:
    root: Path
    secret_key: str

    @classmethod
    def create(cls, label: str) -> Instance:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        root = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=OUT_DIR))
        return cls(root=root, secret_key=secrets.token_urlsafe(48)[:64])

    @property
    def database(self) -> Path:
        return self.root / "ims.sqlite3"

    def env(self) -> dict[str, str]:
        """Production settings (DEBUG off) except the HTTPS redirect, which loopback cannot follow."""
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "ims.settings",
                "DATABASE_URL": f"sqlite:///{self.database}",
                "IMS_DEBUG": "false",
                "IMS_SECRET_KEY": self.secret_key,
                "IMS_ALLOWED_HOSTS": "127.0.0.1",
                "IMS_SSL_REDIRECT": "false",
                "IMS_VAR_DIR": str(self.root / "var"),
                "IMS_MEDIA_ROOT": str(self.root / "var" / "media"),
                "PYTHONPATH": os.pathsep.join(p for p in (str(PROJECT_DIR), env.get("PYTHONPATH", "")) if p),
            }
        )
        return env

    def run(self, args: list[str], *, what: str) -> str:
        """Run a command in this instance's environment; its stdout, or BenchError with its output."""
        proc = subprocess.run(
            args, cwd=PROJECT_DIR, env=self.env(), capture_output=True, text=True, check=False, timeout=600
        )
        if proc.returncode != 0:
            raise BenchError(f"{what} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}".rstrip())
        return proc.stdout

    def ims(self, *args: str) -> str:
        return self.run([str(IMS), *args], what=f"ims {' '.join(args)}")

    def python_module(self, module: str, *args: str) -> str:
        return self.run([sys.executable, "-m", module, *args], what=f"python -m {module}")

    def migrate(self) -> None:
        self.ims("migrate", "--noinput", "-v", "0")

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
