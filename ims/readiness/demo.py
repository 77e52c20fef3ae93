"""Demo data: a partly ready management system, assessed over the last weeks.

The assessments are applied in waves, each followed by a snapshot dated the
week it "happened", so the trend on the readiness page shows real progress.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from ims.org.models import ScopeStatement
from ims.org.services import scope_save
from ims.readiness.services import assessment_save, evidence_link
from ims.readiness.snapshots import take
from ims.standards.loader import DATA_DIR, load
from ims.standards.models import Clause, Edition

if TYPE_CHECKING:
    from ims.demo.loader import DemoContext

# How far each main clause has got, as (verified, implemented, in progress) shares; the rest is not started.
PROGRESS = {
    "4": (0.6, 0.4, 0.0),
    "5": (0.3, 0.5, 0.2),
    "6": (0.0, 0.4, 0.4),
    "7": (0.2, 0.4, 0.3),
    "8": (0.1, 0.5, 0.3),
    "9": (0.0, 0.2, 0.4),
    "10": (0.0, 0.3, 0.4),
}
WAVES = 6


def _status(rng: random.Random, group: str) -> str:
    verified, implemented, in_progress = PROGRESS[group]
    roll = rng.random()
    if roll < verified:
        return "verified"
    if roll < verified + implemented:
        return "implemented"
    if roll < verified + implemented + in_progress:
        return "in_progress"
    return "not_started"


def step_readiness(ctx: DemoContext) -> None:
    if not Edition.objects.exists():
        load(DATA_DIR, by=ctx.admin)
    editions = {
        "iso9001": Edition.objects.get(standard__code="iso9001", code="2015"),
        "iso14001": Edition.objects.get(standard__code="iso14001", code="2015"),  # transition to 2026 pending
    }
    for code, edition in editions.items():
        statement = ScopeStatement.objects.get(standard=code)
        scope_save(by=ctx.admin, standard=code, version=statement.version, edition=edition.key)
    rng = random.Random(14001)  # noqa: S311 (deterministic demo data, not security)
    manager, owners = ctx.users["marie.dubois"], [ctx.users["julien.petit"], ctx.users["tomas.novak"]]
    today = timezone.localdate()
    plan: list[tuple[Clause, str]] = []
    seen_hs: set[str] = set()
    for edition in editions.values():
        for clause in Clause.objects.filter(edition=edition, requirements=True).order_by("sort_key"):
            if clause.common and clause.hs_number:
                if clause.hs_number in seen_hs:
                    continue
                seen_hs.add(clause.hs_number)
            plan.append((clause, _status(rng, clause.number.split(".")[0])))
    rng.shuffle(plan)
    for wave in range(WAVES):
        for clause, status in plan[wave::WAVES]:
            owner = owners[rng.randrange(2)] if clause.number.startswith("8") else manager
            due = None if status == "verified" else today + dt.timedelta(days=rng.randrange(14, 120))
            assessment_save(
                by=manager,
                clause=clause,
                status=status,
                owner=owner,
                due_date=due,
                notes="" if status == "not_started" else "Reviewed in the weekly IMS meeting.",
            )
        take(today - dt.timedelta(weeks=WAVES - 1 - wave))
    scope = Clause.objects.get(edition=editions["iso9001"], number="4.3")
    for statement in ScopeStatement.objects.all():
        evidence_link(by=manager, clause=scope, record_type="org.scopestatement", record_id=str(statement.pk))
