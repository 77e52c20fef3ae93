"""``ims extract-factors``: turn the official factor tables into the shipped IMS data files.

Run by a developer when a publisher issues a new edition; the written files
are committed and are what ``ims load-factors`` loads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ims.factors.extract.common import ExtractionError
from ims.factors.extract.run import run
from ims.factors.loader import DATA_DIR


class Command(BaseCommand):
    help = "Extract the shipped emission factors from the official tables (see ims/factors/extract/editions.py)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=Path, required=True, help="Folder of the official files")
        parser.add_argument("--out", type=Path, default=DATA_DIR, help="Folder to write (default: shipped data)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = run(options["source"], options["out"])
        except ExtractionError as exc:
            raise CommandError(f"Nothing written: {exc}") from None
        for extracted, paths in written:
            count = len(extracted.factors) or len(extracted.gwp_values)
            self.stdout.write(f"{extracted.key}: {count} rows → {', '.join(p.name for p in paths)}")
