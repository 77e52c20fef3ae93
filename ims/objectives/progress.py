"""Progress of an objective, as pure functions: share of the way from baseline to target, against time elapsed.

On track when progress is at least the elapsed share of the time less 10 points;
at risk when within 25 points; off track otherwise; achieved once the target is reached.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

ON_TRACK_MARGIN = Decimal(10)
AT_RISK_MARGIN = Decimal(25)
HUNDRED = Decimal(100)


class Status(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


def progress_percent(baseline: Decimal, target: Decimal, value: Decimal | None) -> Decimal:
    """How far ``value`` has come from ``baseline`` towards ``target``, 0 to 100 (one decimal)."""
    if value is None or target == baseline:
        return Decimal("0.0")
    share = (Decimal(value) - Decimal(baseline)) / (Decimal(target) - Decimal(baseline)) * HUNDRED
    return min(max(share, Decimal(0)), HUNDRED).quantize(Decimal("0.1"))


def elapsed_percent(start: dt.date, deadline: dt.date, today: dt.date) -> Decimal:
    """How much of the time from ``start`` to ``deadline`` has passed, 0 to 100 (one decimal)."""
    if deadline <= start:
        return HUNDRED
    days = Decimal((min(max(today, start), deadline) - start).days)
    return (days / Decimal((deadline - start).days) * HUNDRED).quantize(Decimal("0.1"))


def status(progress: Decimal, elapsed: Decimal) -> Status:
    if progress >= HUNDRED:
        return Status.ACHIEVED
    if progress >= elapsed - ON_TRACK_MARGIN:
        return Status.ON_TRACK
    if progress >= elapsed - AT_RISK_MARGIN:
        return Status.AT_RISK
    return Status.OFF_TRACK


def assess(
    *, baseline: Decimal, target: Decimal, value: Decimal | None, start: dt.date, deadline: dt.date, today: dt.date
) -> tuple[Decimal, Decimal, Status]:
    """(progress %, elapsed %, status) of an objective on ``today``."""
    progress = progress_percent(baseline, target, value)
    elapsed = elapsed_percent(start, deadline, today)
    return progress, elapsed, status(progress, elapsed)
