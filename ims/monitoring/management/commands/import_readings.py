"""``ims import-readings FILE`` (also ``ims import readings FILE``): import readings, all or nothing, with progress."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ims.core.errors import ImsError
from ims.monitoring.checking import Progress, ReadingsRefused
from ims.monitoring.importing import import_readings
from ims.monitoring.selectors import mapping_get

BAR = 30


class ProgressLine:
    """A one-line progress bar on a terminal (carriage return); one line per phase otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.perf_counter()
        self.phase = ""
        self.shown = 0.0
        self.last = Progress("", 0, None)

    def __call__(self, progress: Progress) -> None:
        now = time.perf_counter()
        if progress.phase != self.phase:
            if self.phase:
                self._finish()
            self.phase, self.started = progress.phase, now
        if self.tty and (now - self.shown > 0.1 or progress.fraction == 1.0):
            self.shown = now
            self.stream.write("\r" + self._line(progress, now))
            self.stream.flush()
        self.last = progress

    def _line(self, progress: Progress, now: float) -> str:
        rate = progress.rows / max(now - self.started, 1e-9)
        if progress.fraction is None:
            bar, percent = "", ""
        else:
            filled = int(BAR * progress.fraction)
            bar, percent = f"[{'#' * filled}{'.' * (BAR - filled)}] ", f"{100 * progress.fraction:5.1f}% "
        what = "rows" if progress.phase == "checking" else "readings"
        return f"{progress.phase:<8} {bar}{percent}{progress.rows:,} {what}, {rate:,.0f}/s   "

    def _finish(self) -> None:
        line = self._line(self.last, time.perf_counter())
        self.stream.write(("\r" + line + "\n") if self.tty else (line.rstrip() + "\n"))
        self.stream.flush()

    def close(self) -> None:
        if self.phase:
            self._finish()
            self.phase = ""


class Command(BaseCommand):
    help = (
        "Import readings from a CSV or XLSX file (long or wide layout). The whole file is checked first; "
        "with any problem nothing is imported and every problem is listed by row and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV or XLSX file of readings")
        parser.add_argument("--mapping", default="", help="Name of a saved import mapping")
        parser.add_argument("--source", default="", help="Where the data comes from (kept in the import log)")
        parser.add_argument(
            "--user",
            default="",
            help="Import as this user, with their permissions (default: the server's operator, every series)",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not show progress")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        by = None
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if by is None:
                raise CommandError(f"No active user named “{options['user']}”.")
        progress = None if options["no_progress"] else ProgressLine(sys.stderr)
        try:
            mapping = mapping_get(options["mapping"]) if options["mapping"] else None
            with path.open("rb") as stream:
                report = import_readings(
                    by=by,
                    stream=stream,
                    file_name=path.name,
                    mapping=mapping,
                    source=options["source"],
                    progress=progress,
                )
        except ReadingsRefused as exc:
            if progress is not None:
                progress.close()
            raise CommandError(
                "Nothing was imported; fix these problems:\n  " + "\n  ".join(exc.extra["problems"])
            ) from None
        except ImsError as exc:
            raise CommandError(exc.detail) from None
        if progress is not None:
            progress.close()
        self.stdout.write(
            f"Imported {report.readings:,} readings of {len(report.series)} series from {report.rows:,} rows: "
            f"{report.created:,} new, {report.updated:,} updated, {report.unchanged:,} unchanged "
            f"in {report.seconds:.1f} s ({report.rate:,.0f} readings/s)."
        )
        for reference, at in report.resets:
            self.stdout.write(f"Register reset: {reference} at {at} (consumption left empty).")
        for reference, count in report.out_of_range:
            self.stdout.write(f"Outside the expected range: {count} readings of {reference}.")
        for note in report.notes:
            self.stdout.write(note)
