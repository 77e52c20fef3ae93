"""Writes for the issues (4.1) and interested parties (4.2) registers.

An organisation-wide record (no site) may be seen by everyone who may see
anything, but only someone with an all-sites role may create or change it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ims.accounts.permissions import Action, require
from ims.context.models import InterestedParty, Issue, StandardServed
from ims.core.errors import ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record

ISSUE_FIELDS = (
    "title",
    "description",
    "category",
    "origin",
    "effect",
    "related_processes",
    "standards",
    "owner",
    "review_date",
)
PARTY_FIELDS = (
    "name",
    "kind",
    "needs",
    "compliance_obligation",
    "customer_requirement",
    "monitoring",
    "standards",
    "owner",
    "review_date",
)


def _where(site: Any) -> str:
    return f"of {site}" if site is not None else "of the whole organisation"


def _require(by: Any, action: Action, site: Any, register: str) -> None:
    require(by, action, site_id=site.pk if site is not None else None, what=f"{register} {_where(site)}")


def _next_reference(model: type[Issue] | type[InterestedParty], prefix: str) -> str:
    numbers = [
        int(r.split("-")[-1])
        for r in model.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
        if r.split("-")[-1].isdigit()
    ]
    return f"{prefix}{(max(numbers) if numbers else 0) + 1:03d}"


def _check_fields(fields: dict[str, Any], allowed: tuple[str, ...], message: str) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationFailed({name: [message] for name in unknown})
    standards = fields.get("standards")
    if isinstance(standards, (list, tuple, set)) and all(isinstance(s, str) for s in standards):
        # Stored in one order, so that filters and comparisons see the same list for the same choice.
        order = {code: i for i, code in enumerate(StandardServed.values)}
        fields["standards"] = sorted(set(standards), key=lambda s: order.get(s, len(order)))


# Issues (4.1)


@transaction.atomic
def issue_create(*, by: Any, site: Any = None, reference: str = "", **fields: Any) -> Issue:
    _require(by, Action.CREATE, site, "issues")
    _check_fields(fields, ISSUE_FIELDS, "Unknown field.")
    issue = Issue(site=site, reference=reference.strip() or _next_reference(Issue, "ISS-"), **fields)
    return create_record(issue, by=by)


@transaction.atomic
def issue_update(*, by: Any, issue: Issue, version: int, **fields: Any) -> Issue:
    _require(by, Action.CHANGE, issue.site, "issues")
    if issue.archived_at is not None:
        raise WorkflowError(f"{issue.reference} is archived; restore it before changing it.")
    _check_fields(fields, ISSUE_FIELDS, "This field cannot be changed here.")
    return update_record(issue, by=by, version=version, changes=fields)


@transaction.atomic
def issue_archive(*, by: Any, issue: Issue, version: int) -> Issue:
    _require(by, Action.CHANGE, issue.site, "issues")
    if issue.archived_at is not None:
        raise WorkflowError(f"{issue.reference} is already archived.")
    return update_record(issue, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")


# Interested parties (4.2)


@transaction.atomic
def party_create(*, by: Any, site: Any = None, reference: str = "", **fields: Any) -> InterestedParty:
    _require(by, Action.CREATE, site, "interested parties")
    _check_fields(fields, PARTY_FIELDS, "Unknown field.")
    party = InterestedParty(site=site, reference=reference.strip() or _next_reference(InterestedParty, "IP-"), **fields)
    return create_record(party, by=by)


@transaction.atomic
def party_update(*, by: Any, party: InterestedParty, version: int, **fields: Any) -> InterestedParty:
    _require(by, Action.CHANGE, party.site, "interested parties")
    if party.archived_at is not None:
        raise WorkflowError(f"{party.reference} is archived; restore it before changing it.")
    _check_fields(fields, PARTY_FIELDS, "This field cannot be changed here.")
    return update_record(party, by=by, version=version, changes=fields)


@transaction.atomic
def party_archive(*, by: Any, party: InterestedParty, version: int) -> InterestedParty:
    _require(by, Action.CHANGE, party.site, "interested parties")
    if party.archived_at is not None:
        raise WorkflowError(f"{party.reference} is already archived.")
    return update_record(party, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")
