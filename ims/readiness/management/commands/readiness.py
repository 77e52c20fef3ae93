"""``ims readiness``: readiness scores per standard and the top gaps."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ims.readiness.checks import Status, run_all
from ims.readiness.selectors import edition_readiness, editions_in_scope


class Command(BaseCommand):
    help = "Print readiness per standard and clause group, the failing checks and the top gaps."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--gaps", type=int, default=10, help="How many gaps to list per standard")

    def handle(self, *args: Any, **options: Any) -> None:
        outcomes = run_all()
        for edition in editions_in_scope():
            state = edition_readiness(edition, outcomes)
            groups = "  ".join(f"{g}: {v:.0f}%" for g, v in state.by_group().items())
            self.stdout.write(f"{edition.label}: {state.score:.1f}%   {groups}")
            gaps = state.gaps()
            for r in gaps[: options["gaps"]]:
                reason = "; ".join(o.result.explanation for o in r.failing) or r.status.replace("_", " ")
                self.stdout.write(f"  gap {r.clause.number} {r.clause.title}: {reason}")
        self.stdout.write("Checks:")
        for o in outcomes:
            mark = {Status.PASS: "pass", Status.FAIL: "FAIL", Status.NO_DATA: "no data"}[o.result.status]
            self.stdout.write(
                f"  [{mark}] {o.check.title} ({', '.join(map(str, o.check.clauses))}): {o.result.explanation}"
            )
