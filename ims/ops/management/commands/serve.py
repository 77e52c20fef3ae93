"""``ims serve``: the production HTTP server (gunicorn), static files included."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def default_workers() -> int:
    """One sync worker per core: measured fastest on 2 cores (more workers only add switching)."""
    return max(2, os.cpu_count() or 2)


class Command(BaseCommand):
    help = "Serve IMS with gunicorn (not Django's development server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("IMS_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("IMS_PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("IMS_WORKERS", str(default_workers()))),
            help="Worker processes (default: one per CPU core, or IMS_WORKERS).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("IMS_THREADS", "1")),
            help="Threads per worker (default 1: sync workers behind a buffering proxy; or IMS_THREADS).",
        )
        parser.add_argument("--access-log", action="store_true", help="Log every request to stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        if not settings.DEBUG:
            # In a child process: importing the static pipeline in the master would
            # add ~30 MB to every forked worker.
            subprocess.run([sys.executable, "-m", "ims.cli", "collectstatic", "--noinput", "-v", "0"], check=True)
        from ims.wsgi import application

        bind = (
            f"[{options['host']}]:{options['port']}"
            if ":" in options["host"]
            else f"{options['host']}:{options['port']}"
        )
        config = {
            "bind": bind,
            "workers": options["workers"],
            "threads": options["threads"],
            "worker_class": "gthread" if options["threads"] > 1 else "sync",
            "accesslog": "-" if options["access_log"] else None,
            "errorlog": "-",
            "timeout": 60,
            "graceful_timeout": 20,
            "keepalive": 5,
            # No runtime control socket: several servers may run on one machine and
            # operators manage IMS through its process manager instead.
            "control_socket_disable": True,
            "forwarded_allow_ips": os.environ.get("IMS_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        }

        class Server(BaseApplication):
            def load_config(self) -> None:
                for key, value in config.items():
                    if value is not None:
                        self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(
            f"IMS serving on http://{bind} with {config['workers']} workers × {config['threads']} threads"
        )
        Server().run()
