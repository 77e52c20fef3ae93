"""``ims load-factors``: load or update the shipped emission factor sets (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ims.factors.loader import DATA_DIR, FactorsFileError, load


class Command(BaseCommand):
    help = "Load or update the emission factor library from its data files; a broken file refuses the whole load."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=DATA_DIR, help="Folder of factor files (default: shipped)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load(options["dir"])
        except FactorsFileError as exc:
            raise CommandError("Nothing loaded; fix these problems:\n  " + "\n  ".join(exc.problems)) from None
        self.stdout.write(f"Emission factor library: {report}.")
