"""Reads of the risks and opportunities register, filtered by the reader's sites in SQL.

Organisation-wide risks (no site) are visible to everyone who may see at least one site.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from ims.context.selectors import visible_with_org_wide
from ims.core.errors import NotFound, ValidationFailed
from ims.risks.models import Band, Risk, Treatment, TreatmentStatus

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "score": "inherent_score",
    "-score": "-inherent_score",
    "residual": "residual_score",
    "-residual": "-residual_score",
    "review": "review_date",
    "-review": "-review_date",
}


def risks_visible_to(user: Any) -> QuerySet[Risk]:
    return visible_with_org_wide(Risk.objects.select_related("site", "owner"), user)


def overdue_treatments(today: dt.date) -> QuerySet[Treatment]:
    return Treatment.objects.filter(status=TreatmentStatus.OPEN, due_date__lt=today)


def risk_list(
    user: Any,
    *,
    q: str = "",
    site_id: int | None = None,
    org_wide: bool = False,
    kind: str = "",
    source_kind: str = "",
    band: str = "",
    overdue: bool = False,
    archived: bool = False,
    sort: str = "reference",
    today: dt.date | None = None,
) -> QuerySet[Risk]:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    if band and band not in Band.values:
        raise ValidationFailed({"band": [f"Use one of: {', '.join(Band.values)}."]})
    qs = risks_visible_to(user).filter(archived_at__isnull=not archived)
    if org_wide:
        qs = qs.filter(site__isnull=True)
    elif site_id is not None:
        qs = qs.filter(site_id=site_id)
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(title__icontains=q) | Q(description__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if source_kind:
        qs = qs.filter(source_kind=source_kind)
    if band:
        qs = qs.filter(inherent_band=band)
    late = overdue_treatments(today or dt.date.today()).filter(risk=OuterRef("pk"))
    qs = qs.annotate(has_overdue=Exists(late))
    if overdue:
        qs = qs.filter(has_overdue=True)
    return qs.order_by(SORTS[sort], "id")


def risk_get(user: Any, pk: int) -> Risk:
    risk = risks_visible_to(user).filter(pk=pk).first()
    if risk is None:
        raise NotFound(f"No risk or opportunity with id {pk} that you may see.")
    return risk


def treatment_get(user: Any, risk: Risk, pk: int) -> Treatment:
    treatment = Treatment.objects.filter(risk=risk, pk=pk).select_related("owner").first()
    if treatment is None:
        raise NotFound(f"No treatment with id {pk} on {risk.reference}.")
    return treatment
