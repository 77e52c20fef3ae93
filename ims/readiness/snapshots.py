"""Daily readiness snapshots: the trend on the readiness page.

Taken by ``ims readiness-snapshot`` (cron-friendly, idempotent) and also the
first time someone opens the readiness page or the dashboard on a given day,
so the trend fills itself wherever the app is used.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from ims.readiness.checks import run_all
from ims.readiness.models import Snapshot
from ims.readiness.selectors import edition_readiness, editions_in_scope
from ims.standards.models import Edition


def take(day: dt.date | None = None) -> list[Snapshot]:
    """Record today's readiness for every edition in scope; an existing one for the day is replaced."""
    day = day or timezone.localdate()
    outcomes = run_all()
    taken = []
    with transaction.atomic():
        for edition in editions_in_scope():
            state = edition_readiness(edition, outcomes)
            values = {
                "score": state.score,
                "groups": state.by_group(),
                "requirements": sum(1 for r in state.requirements if r.applicable),
                "failing_checks": len({o.check.key for r in state.requirements for o in r.failing}),
            }
            snapshot, _ = Snapshot.objects.update_or_create(day=day, edition=edition, defaults=values)
            taken.append(snapshot)
    return taken


def take_if_due() -> None:
    """Take today's snapshot unless it exists (cheap: one query when it does)."""
    if Snapshot.objects.filter(day=timezone.localdate()).exists():
        return
    with contextlib.suppress(IntegrityError):  # another request took it at the same moment
        take()


@dataclass(frozen=True)
class Trend:
    edition: Edition
    points: list[tuple[dt.date, float]]

    def svg_points(self, width: int = 300, height: int = 60) -> str:
        """Polyline points for a small server-rendered chart (0–100 % on the vertical axis)."""
        if not self.points:
            return ""
        if len(self.points) == 1:
            y = height - self.points[0][1] / 100 * height
            return f"0,{y:.1f} {width},{y:.1f}"
        step = width / (len(self.points) - 1)
        return " ".join(
            f"{i * step:.1f},{height - score / 100 * height:.1f}" for i, (_, score) in enumerate(self.points)
        )


def trends(days: int = 90, editions: list[Edition] | None = None) -> list[Trend]:
    since = timezone.localdate() - dt.timedelta(days=days)
    result = []
    for edition in editions if editions is not None else editions_in_scope():
        rows = Snapshot.objects.filter(edition=edition, day__gte=since).order_by("day").values_list("day", "score")
        result.append(Trend(edition, list(rows)))
    return result
