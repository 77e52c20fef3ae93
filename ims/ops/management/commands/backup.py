"""``ims backup FILE``: a consistent archive of the database and files, safe while running."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ims.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent backup archive (.zip) of the database rows and attached files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        total = sum(summary.rows.values())
        self.stdout.write(
            f"Backup written to {summary.path}: {total} rows in {len(summary.rows)} tables, {summary.files} files."
        )
