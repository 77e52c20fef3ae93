"""``ims load-standards``: load or update the shipped standards files (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ims.standards.loader import DATA_DIR, StandardsFileError, load


class Command(BaseCommand):
    help = "Load or update the standards library from its YAML files; a broken file refuses the whole load."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=DATA_DIR, help="Folder of standards files (default: shipped)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load(options["dir"])
        except StandardsFileError as exc:
            raise CommandError("Nothing loaded; fix these problems:\n  " + "\n  ".join(exc.problems)) from None
        self.stdout.write(f"Standards library: {report}.")
