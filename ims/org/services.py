"""Writes for the organisation, its sites and scope statements."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django.db import transaction
from django.utils import timezone

from ims.accounts.permissions import Action, require
from ims.audit.services import record_change, record_delete, snapshot
from ims.core.errors import ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.org.models import Organisation, ScopeStatement, Site

SITE_FIELDS = ("code", "name", "country", "time_zone", "address")
ORG_FIELDS = ("name", "legal_name", "description")
SCOPE_FIELDS = ("in_scope", "statement", "boundaries")


def _check_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationFailed({"time_zone": [f"“{value}” is not an IANA time zone name, e.g. Europe/Berlin."]})


def _only(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in unknown})
    return fields


@transaction.atomic
def organisation_save(*, by: Any, version: int | None = None, **fields: Any) -> Organisation:
    """Create the organisation record or update it (one per installation)."""
    require(by, Action.MANAGE_ORG, what="the organisation")
    _only(fields, ORG_FIELDS)
    org = Organisation.objects.filter(pk=1).first()
    if org is None:
        return create_record(Organisation(pk=1, **fields), by=by)
    return update_record(org, by=by, version=org.version if version is None else version, changes=fields)


@transaction.atomic
def site_create(*, by: Any, code: str, name: str, country: str, time_zone: str, address: str = "") -> Site:
    require(by, Action.MANAGE_SITES, what="sites")
    _check_time_zone(time_zone)
    site = Site(code=code, name=name, country=country, time_zone=time_zone, address=address)
    return create_record(site, by=by)


@transaction.atomic
def site_update(*, by: Any, site: Site, version: int, **fields: Any) -> Site:
    require(by, Action.MANAGE_SITES, what="sites")
    _only(fields, SITE_FIELDS)
    if "time_zone" in fields:
        _check_time_zone(fields["time_zone"])
    return update_record(site, by=by, version=version, changes=fields)


@transaction.atomic
def site_archive(*, by: Any, site: Site, version: int) -> Site:
    """Archive a site: it stays on its records but takes no new ones."""
    require(by, Action.MANAGE_SITES, what="sites")
    if site.is_archived:
        raise WorkflowError(f"Site “{site}” is already archived.")
    return update_record(site, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")


@transaction.atomic
def site_restore(*, by: Any, site: Site, version: int) -> Site:
    require(by, Action.MANAGE_SITES, what="sites")
    if not site.is_archived:
        raise WorkflowError(f"Site “{site}” is not archived.")
    return update_record(site, by=by, version=version, changes={"archived_at": None}, note="restored")


def _linked_as_evidence(site: Site) -> bool:
    from ims.readiness.models import EvidenceLink

    return EvidenceLink.objects.filter(record_type="org.site", record_id=str(site.pk)).exists()


@transaction.atomic
def site_delete(*, by: Any, site: Site) -> None:
    """Delete a site that nothing refers to yet; otherwise it must be archived."""
    require(by, Action.MANAGE_SITES, what="sites")
    references = [
        label
        for label, exists in (
            ("memberships", site.memberships.exists()),
            ("scope statements", site.scope_statements.exists()),
            ("readiness evidence", _linked_as_evidence(site)),
        )
        if exists
    ]
    if references:
        raise WorkflowError(f"Site “{site}” is referenced by {', '.join(references)}; archive it instead of deleting.")
    before, pk = snapshot(site), str(site.pk)
    record_delete(record=site, by=by, before=before, record_id=pk)
    site.delete()


def _edition_for(standard: str, key: str | None) -> Any:
    from ims.standards.models import Edition

    if not key:
        return None
    code, _, year = key.partition(":")
    edition = Edition.objects.filter(standard__code=code, code=year).first()
    if edition is None or code != standard:
        raise ValidationFailed({"edition": [f"“{key}” is not a loaded edition of {standard}."]})
    return edition


@transaction.atomic
def scope_save(
    *,
    by: Any,
    standard: str,
    version: int | None = None,
    site_ids: list[int] | None = None,
    edition: str | None = None,
    **fields: Any,
) -> ScopeStatement:
    """Create or update the scope statement (4.3) for one standard, and the edition applied."""
    require(by, Action.MANAGE_ORG, what="the scope of the management system")
    _only(fields, SCOPE_FIELDS)
    if edition is not None:
        fields["edition"] = _edition_for(standard, edition)
    scope = ScopeStatement.objects.filter(standard=standard).first()
    if scope is None:
        scope = create_record(ScopeStatement(standard=standard, **fields), by=by)
    else:
        if version is None:
            raise ValidationFailed({"version": ["Send the version you read to update an existing statement."]})
        scope = update_record(scope, by=by, version=version, changes=fields)
    if site_ids is not None:
        _set_scope_sites(scope, site_ids=site_ids, by=by)
    return scope


def _set_scope_sites(scope: ScopeStatement, *, site_ids: list[int], by: Any) -> None:
    sites = list(Site.objects.filter(pk__in=site_ids))
    missing = sorted(set(site_ids) - {s.pk for s in sites})
    if missing:
        raise ValidationFailed({"sites": [f"Unknown site id(s): {', '.join(map(str, missing))}."]})
    before = sorted(scope.sites.values_list("pk", flat=True))
    after = sorted(s.pk for s in sites)
    if before != after:
        scope.sites.set(sites)
        record_change(action="update", by=by, record=scope, changes={"sites": [before, after]})
