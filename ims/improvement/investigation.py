"""Containment and root cause analysis of an event: what was done at once, and why it happened.

Containment records the quantities affected with their unit and what became
of the nonconforming output (9001 8.7). The 5 Whys and the fishbone diagram
are stored as data, replaced whole, under the event's version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from ims.accounts.permissions import Action as Permission
from ims.core.errors import ValidationFailed
from ims.core.records import create_record
from ims.improvement.models import Branch, Containment, Disposition, Event, FishboneCause, WhyStep
from ims.improvement.quantities import check_unit, mass_in_kg
from ims.improvement.services import _check_when, _claim, _open, _require

MAX_WHYS = 10
MAX_CAUSES = 60


def _decimal(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed({field: [f"“{value}” is not a number."]}) from None
    if not number.is_finite():
        raise ValidationFailed({field: [f"“{value}” is not a number."]})
    if number < 0:
        raise ValidationFailed({field: [f"Give zero or more; {value} is negative."]})
    return number


@transaction.atomic
def containment_add(
    *,
    by: Any,
    event: Event,
    description: str,
    quantity: Any = None,
    unit: str = "",
    mass_kg: Any = None,
    disposition: str = "",
    concession: str = "",
    done_at: dt.datetime | None = None,
) -> Containment:
    """Record a containment or correction: what was done, how much was affected and what became of it (8.7)."""
    _require(by, Permission.CHANGE, event.site)
    _open(event)
    description = (description or "").strip()
    if not description:
        raise ValidationFailed({"description": ["Say what was done to contain it."]})
    amount = _decimal(quantity, "quantity")
    mass = _decimal(mass_kg, "mass_kg")
    unit = (unit or "").strip()
    if amount is not None:
        unit = check_unit(unit)
        if mass is None:
            mass = mass_in_kg(amount, unit)
    elif unit:
        raise ValidationFailed({"quantity": [f"Give the quantity in {unit}, or leave the unit empty."]})
    if disposition and disposition not in Disposition.values:
        raise ValidationFailed({"disposition": [f"Use one of: {', '.join(Disposition.values)}."]})
    concession = (concession or "").strip()
    if disposition == Disposition.USE_AS_IS and not concession:
        raise ValidationFailed({"concession": ["Use as is needs a concession: say who granted it, and its reference."]})
    when = done_at or timezone.now()
    _check_when(when)
    containment = Containment(
        event=event,
        description=description,
        quantity=amount,
        unit=unit,
        mass_kg=mass,
        disposition=disposition,
        concession=concession,
        done_at=when,
        done_by=by,
    )
    label = dict(Disposition.choices).get(disposition, "")
    amount_text = f"{amount} {unit}" if amount is not None else ""
    return create_record(containment, by=by, note=", ".join(str(p) for p in (amount_text, label) if p))


@transaction.atomic
def whys_save(*, by: Any, event: Event, version: int, steps: Sequence[tuple[str, str]]) -> list[WhyStep]:
    """Replace the 5 Whys chain; rows left wholly empty are dropped, half-filled ones refused."""
    _require(by, Permission.CHANGE, event.site)
    _open(event)
    chain: list[tuple[str, str]] = []
    for n, (why, because) in enumerate(steps, start=1):
        why, because = (why or "").strip(), (because or "").strip()
        if not why and not because:
            continue
        if not why or not because:
            raise ValidationFailed({"whys": [f"Why {n}: give both the question and the answer."]})
        chain.append((why, because))
    if len(chain) > MAX_WHYS:
        raise ValidationFailed({"whys": [f"At most {MAX_WHYS} whys; {len(chain)} given."]})
    before = [(w.why, w.because) for w in event.whys.all()]
    if before == chain:
        return list(event.whys.all())
    event.whys.all().delete()
    rows = WhyStep.objects.bulk_create(
        [WhyStep(event=event, position=i, why=w, because=b) for i, (w, b) in enumerate(chain, start=1)]
    )
    _claim(
        event,
        by=by,
        version=version,
        changes={"whys": [[f"{w} — {b}" for w, b in before], [f"{w} — {b}" for w, b in chain]]},
        note=f"5 Whys: {len(chain)} step(s)",
    )
    return rows


@transaction.atomic
def fishbone_save(
    *, by: Any, event: Event, version: int, causes: Sequence[tuple[str, str, bool]]
) -> list[FishboneCause]:
    """Replace the fishbone (Ishikawa) diagram: causes by branch (the 6 Ms), the confirmed ones marked as root."""
    _require(by, Permission.CHANGE, event.site)
    _open(event)
    rows: list[tuple[str, str, bool]] = []
    for branch, text, is_root in causes:
        text = (text or "").strip()
        if not text:
            continue
        if branch not in Branch.values:
            raise ValidationFailed(
                {"fishbone": [f"“{branch}” is not a branch; use one of: {', '.join(Branch.values)}."]}
            )
        if len(text) > 300:
            raise ValidationFailed({"fishbone": [f"“{text[:40]}…” is longer than 300 characters."]})
        rows.append((branch, text, bool(is_root)))
    if len(rows) > MAX_CAUSES:
        raise ValidationFailed({"fishbone": [f"At most {MAX_CAUSES} causes; {len(rows)} given."]})
    order = {b: i for i, b in enumerate(Branch.values)}
    rows.sort(key=lambda r: order[r[0]])
    before = [(c.branch, c.text, c.is_root) for c in event.fishbone.order_by("id")]
    before.sort(key=lambda r: order[r[0]])
    if before == rows:
        return list(event.fishbone.all())
    event.fishbone.all().delete()
    saved = FishboneCause.objects.bulk_create(
        [FishboneCause(event=event, branch=b, text=t, is_root=r) for b, t, r in rows]
    )

    def show(items: list[tuple[str, str, bool]]) -> list[str]:
        return [f"{b}: {t}{' (root)' if r else ''}" for b, t, r in items]

    _claim(event, by=by, version=version, changes={"fishbone": [show(before), show(rows)]}, note="fishbone")
    return saved
