"""``ims verify-audit``: walk the hash chain; non-zero exit at the first broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ims.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and report the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"Audit trail BROKEN at entry {result.broken_id}: {result.problem}. "
                f"{result.checked} entries before it verified."
            )
        self.stdout.write(f"Audit trail intact: {result.checked} entries verified. Head hash {result.head_hash}")
