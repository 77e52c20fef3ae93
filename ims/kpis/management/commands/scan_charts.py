"""``ims scan_charts``: record new run-rule violations of every live control chart (safe to repeat)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ims.core.context import Channel, acting
from ims.kpis.services import scan_charts


class Command(BaseCommand):
    help = "Look for new run-rule violations on every control chart and record them as signals."

    def handle(self, *args: Any, **options: Any) -> None:
        with acting(Channel.CLI):
            found = scan_charts()
        self.stdout.write(f"{found} new signal{'s' if found != 1 else ''} recorded.")
