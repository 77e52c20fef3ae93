"""``ims readiness-snapshot``: store today's readiness per standard (safe to run every hour)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ims.readiness.snapshots import take


class Command(BaseCommand):
    help = "Store today's readiness scores for the trend (replaces today's snapshot if it exists)."

    def handle(self, *args: Any, **options: Any) -> None:
        for snapshot in take():
            self.stdout.write(f"{snapshot.day} {snapshot.edition.label}: {snapshot.score:.1f}%")
