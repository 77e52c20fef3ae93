"""Writes for the processes register (4.4) and the links between processes — the only writers.

A process runs at some sites (none: all sites). Changing it needs the right in
every one of its sites; a process of all sites needs an all-sites role.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from ims.accounts.permissions import Action, can
from ims.audit.services import record_change
from ims.context.models import StandardServed
from ims.core.errors import NotFound, PermissionRefused, ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.org.models import Site
from ims.processes.models import Process, ProcessLink

PROCESS_FIELDS = (
    "name",
    "kind",
    "owner",
    "purpose",
    "inputs",
    "outputs",
    "customers",
    "resources",
    "standards",
    "related_records",
    "review_date",
)


def _site_names(sites: Iterable[Site]) -> str:
    return ", ".join(sorted(s.code for s in sites)) or "all sites"


def require_sites(by: Any, action: Action, sites: Iterable[Site], what: str = "processes") -> None:
    """``action`` must be allowed in every site the process runs at (all sites: an all-sites role)."""
    site_list = list(sites)
    if not site_list:
        if not can(by, action):
            raise PermissionRefused(f"You are not allowed to {action.value} {what} of all sites.")
        return
    missing = [s for s in site_list if not can(by, action, site_id=s.pk)]
    if missing:
        raise PermissionRefused(f"You are not allowed to {action.value} {what} of {_site_names(missing)}.")


def _next_reference() -> str:
    numbers = [
        int(r.split("-")[-1])
        for r in Process.objects.filter(reference__startswith="PRC-").values_list("reference", flat=True)
        if r.split("-")[-1].isdigit()
    ]
    return f"PRC-{(max(numbers) if numbers else 0) + 1:02d}"


def _check_fields(fields: dict[str, Any], message: str) -> None:
    unknown = sorted(set(fields) - set(PROCESS_FIELDS))
    if unknown:
        raise ValidationFailed({name: [message] for name in unknown})
    for name in ("inputs", "outputs"):
        if isinstance(fields.get(name), str):  # one per line; blank lines and trailing spaces carry nothing
            fields[name] = "\n".join(line.strip() for line in fields[name].splitlines() if line.strip())
    standards = fields.get("standards")
    if isinstance(standards, (list, tuple, set)) and all(isinstance(s, str) for s in standards):
        order = {code: i for i, code in enumerate(StandardServed.values)}
        fields["standards"] = sorted(set(standards), key=lambda s: order.get(s, len(order)))


@transaction.atomic
def process_create(*, by: Any, sites: Iterable[Site] = (), reference: str = "", **fields: Any) -> Process:
    site_list = list(sites)
    require_sites(by, Action.CREATE, site_list)
    _check_fields(fields, "Unknown field.")
    process = Process(reference=reference.strip() or _next_reference(), **fields)
    process._audit_site_ids = [s.pk for s in site_list]  # type: ignore[attr-defined]
    create_record(process, by=by, note=f"runs at {_site_names(site_list)}")
    process.sites.set(site_list)
    return process


@transaction.atomic
def process_update(
    *, by: Any, process: Process, version: int, sites: Iterable[Site] | None = None, **fields: Any
) -> Process:
    current = list(process.sites.all())
    require_sites(by, Action.CHANGE, current)
    if process.archived_at is not None:
        raise WorkflowError(f"{process.reference} is archived; restore it before changing it.")
    _check_fields(fields, "This field cannot be changed here.")
    new_sites = None if sites is None else list(sites)
    if new_sites is not None and {s.pk for s in new_sites} != {s.pk for s in current}:
        require_sites(by, Action.CHANGE, new_sites)
    else:
        new_sites = None
    before_version = process.version
    update_record(process, by=by, version=version, changes=fields)
    if new_sites is not None:
        if process.version == before_version:  # only the sites change: still claim the version
            update_record(process, by=by, version=version, changes={"updated_at": timezone.now()})
        process.sites.set(new_sites)
        record_change(
            action="update", by=by, record=process, changes={"sites": [_site_names(current), _site_names(new_sites)]}
        )
    return process


@transaction.atomic
def process_archive(*, by: Any, process: Process, version: int) -> Process:
    require_sites(by, Action.CHANGE, process.sites.all())
    if process.archived_at is not None:
        raise WorkflowError(f"{process.reference} is already archived.")
    return update_record(process, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")


# Links: an output of one process that is an input of another.


@transaction.atomic
def link_add(*, by: Any, source: Process, target: Process, label: str) -> ProcessLink:
    """Record that ``label`` flows from ``source`` to ``target``; the target must be visible to ``by``."""
    require_sites(by, Action.CHANGE, source.sites.all())
    label = (label or "").strip()
    if source.archived_at is not None or target.archived_at is not None:
        raise WorkflowError("Archived processes cannot be linked.")
    if source.pk == target.pk:
        raise ValidationFailed({"target": ["A process cannot be linked to itself."]})
    if not label:
        raise ValidationFailed({"label": ["Say what flows from one process to the other."]})
    if len(label) > 200:
        raise ValidationFailed({"label": ["At most 200 characters."]})
    if ProcessLink.objects.filter(source=source, target=target).exists():
        raise ValidationFailed({"target": [f"{source.reference} is already linked to {target.reference}."]})
    link = ProcessLink.objects.create(source=source, target=target, label=label)
    record_change(
        action="link",
        by=by,
        record=source,
        changes={"link": [None, f"→ {target.reference}: {label}"]},
    )
    return link


@transaction.atomic
def link_remove(*, by: Any, source: Process, link_id: int) -> None:
    require_sites(by, Action.CHANGE, source.sites.all())
    link = ProcessLink.objects.select_related("target").filter(pk=link_id, source=source).first()
    if link is None:
        raise NotFound(f"{source.reference} has no link with id {link_id}.")
    text = f"→ {link.target.reference}: {link.label}"
    link.delete()
    record_change(action="unlink", by=by, record=source, changes={"link": [text, None]})
