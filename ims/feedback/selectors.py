"""Reads of customer feedback, filtered by the reader's sites in SQL.

Customers are reference data every person with a role may see. Complaints,
compliments and shipment figures belong to a site; a survey belongs to a site
or to the whole organisation, and its responses follow it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ims.accounts.permissions import Action as Permission
from ims.accounts.permissions import scope_for, visible
from ims.core.errors import NotFound, ValidationFailed
from ims.feedback.models import (
    Complaint,
    ComplaintStatus,
    Compliment,
    Customer,
    ShipmentVolume,
    Survey,
    SurveyResponse,
)

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "received": "received_on",
    "-received": "-received_on",
    "due": "response_due",
    "-due": "-response_due",
    "customer": "customer__name",
    "-customer": "-customer__name",
}


def _org_wide_or_sites(qs: QuerySet[Any], user: Any, site_field: str, action: Permission) -> QuerySet[Any]:
    scope = scope_for(user, action)
    if scope.all_sites:
        return qs
    if not scope.site_ids:
        return qs.none()
    return qs.filter(Q(**{f"{site_field}__isnull": True}) | Q(**{f"{site_field}__in": sorted(scope.site_ids)}))


def customers_visible_to(user: Any) -> QuerySet[Customer]:
    if scope_for(user, Permission.VIEW).empty:
        return Customer.objects.none()
    return Customer.objects.all()


def complaints_visible_to(user: Any, action: Permission = Permission.VIEW) -> QuerySet[Complaint]:
    return visible(Complaint.objects.select_related("customer", "site", "event"), user, action)


def surveys_visible_to(user: Any, action: Permission = Permission.VIEW) -> QuerySet[Survey]:
    return _org_wide_or_sites(Survey.objects.select_related("site"), user, "site", action)


def responses_visible_to(user: Any) -> QuerySet[SurveyResponse]:
    qs = SurveyResponse.objects.select_related("survey", "customer")
    return _org_wide_or_sites(qs, user, "survey__site", Permission.VIEW)


def compliments_visible_to(user: Any) -> QuerySet[Compliment]:
    return visible(Compliment.objects.select_related("customer", "site"), user)


def volumes_visible_to(user: Any) -> QuerySet[ShipmentVolume]:
    return visible(ShipmentVolume.objects.select_related("site"), user)


def _get(qs: QuerySet[Any], pk: int, what: str) -> Any:
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No {what} with id {pk} that you may see.")
    return found


def customer_get(user: Any, pk: int) -> Customer:
    return _get(customers_visible_to(user), pk, "customer")


def customer_by_code(user: Any, code: str, *, field: str = "customer") -> Customer:
    """The active customer with this code (any case), or a refusal naming the code."""
    raw = (code or "").strip()
    found = customers_visible_to(user).filter(code__iexact=raw, archived_at__isnull=True).first() if raw else None
    if found is None:
        raise ValidationFailed({field: [f"“{raw}” is not a customer code; add the customer first."]})
    return found


def complaint_get(user: Any, pk: int) -> Complaint:
    return _get(complaints_visible_to(user), pk, "complaint")


def survey_get(user: Any, pk: int) -> Survey:
    return _get(surveys_visible_to(user), pk, "survey")


def response_get(user: Any, pk: int) -> SurveyResponse:
    return _get(responses_visible_to(user), pk, "survey response")


def overdue(today: dt.date) -> Q:
    """Still waiting for our response after its due date."""
    return Q(status=ComplaintStatus.OPEN, response_due__lt=today)


def complaint_list(
    user: Any,
    *,
    q: str = "",
    status: str = "",
    customer_id: int | None = None,
    site_id: int | None = None,
    overdue_only: bool = False,
    sort: str = "-received",
    today: dt.date | None = None,
) -> QuerySet[Complaint]:
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    if status and status not in ComplaintStatus.values:
        raise ValidationFailed({"status": [f"Filter by one of: {', '.join(ComplaintStatus.values)}."]})
    qs = complaints_visible_to(user)
    if q:
        qs = qs.filter(
            Q(reference__icontains=q)
            | Q(title__icontains=q)
            | Q(description__icontains=q)
            | Q(order_ref__icontains=q)
            | Q(product_ref__icontains=q)
            | Q(external_ref__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(customer__code__icontains=q)
        )
    if status:
        qs = qs.filter(status=status)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    if overdue_only:
        qs = qs.filter(overdue(today or timezone.localdate()))
    return qs.order_by(SORTS[sort], "-id")
