"""``ims restore FILE``: load a backup into an empty, migrated database (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ims.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database that has been migrated (`ims migrate`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["file"].exists():
            raise CommandError(f"No such file: {options['file']}.")
        try:
            counts = restore(options["file"])
        except BackupError as exc:
            raise CommandError(f"Nothing restored: {exc}") from None
        self.stdout.write(
            f"Restored {sum(counts.values())} rows in {len(counts)} tables. "
            "Run `ims verify-audit` to check the audit trail."
        )
