"""``ims import readings FILE``: the spelling of ``ims import-readings FILE`` with a sub-word for what is imported."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from ims.monitoring.management.commands import import_readings


class Command(import_readings.Command):
    help = "Import data from a file: `ims import readings FILE` (see `ims import-readings --help`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["readings"], help="What the file holds")
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        options.pop("what")
        super().handle(*args, **options)
