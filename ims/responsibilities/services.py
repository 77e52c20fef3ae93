"""Writes for roles, responsibilities and authorities (5.3) — the only writers.

Like the other registers, a role belongs to a site or to the whole
organisation; an organisation-wide role needs an all-sites role to write.
Top-management roles carry the authority to approve policies, so creating
one, changing one or making a role top management needs the approve
permission where the role applies: nobody makes themselves top management
with a process owner's rights.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ims.accounts.permissions import Action, require
from ims.audit.services import record_change
from ims.context.models import StandardServed
from ims.core.errors import ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.processes.models import Process
from ims.processes.selectors import processes_visible_to
from ims.responsibilities.models import DUTY_STANDARDS, Duty, Responsibility

RESPONSIBILITY_FIELDS = (
    "title",
    "responsibilities",
    "authorities",
    "deputy",
    "standards",
    "duties",
    "top_management",
    "review_date",
)

STANDARD_NAMES: dict[str, str] = {StandardServed.ISO9001: "ISO 9001", StandardServed.ISO14001: "ISO 14001"}


def _where(site: Any) -> str:
    return f"of {site}" if site is not None else "of the whole organisation"


def _require(by: Any, action: Action, site: Any, what: str = "responsibilities") -> None:
    require(by, action, site_id=site.pk if site is not None else None, what=f"{what} {_where(site)}")


def _require_top(by: Any, site: Any) -> None:
    _require(by, Action.APPROVE, site, what="top-management roles")


def _next_reference() -> str:
    numbers = [
        int(r.split("-")[-1])
        for r in Responsibility.objects.filter(reference__startswith="RES-").values_list("reference", flat=True)
        if r.split("-")[-1].isdigit()
    ]
    return f"RES-{(max(numbers) if numbers else 0) + 1:03d}"


def _ordered(values: list[str], order: list[str]) -> list[str]:
    rank = {code: i for i, code in enumerate(order)}
    return [str(v) for v in sorted(set(values), key=lambda v: rank.get(v, len(rank)))]


def _check_fields(fields: dict[str, Any], message: str) -> None:
    unknown = sorted(set(fields) - set(RESPONSIBILITY_FIELDS))
    if unknown:
        raise ValidationFailed({name: [message] for name in unknown})
    for name in ("title", "responsibilities", "authorities"):
        if isinstance(fields.get(name), str):  # a role of blanks says nothing
            fields[name] = fields[name].strip()
    for name, order in (("standards", StandardServed.values), ("duties", Duty.values)):
        chosen = fields.get(name)
        if isinstance(chosen, (list, tuple, set)) and all(isinstance(s, str) for s in chosen):
            fields[name] = _ordered(list(chosen), order)
    deputy = fields.get("deputy")
    if deputy is not None and not deputy.is_active:
        raise ValidationFailed({"deputy": [f"{deputy} is not an active user."]})


def _check_duties(duties: Any, standards: Any) -> None:
    """A duty only one standard asks for needs a role that serves that standard."""
    if not isinstance(duties, list) or not isinstance(standards, list):
        return  # the model's own validation names what is wrong
    labels = dict(Duty.choices)
    for duty in duties:
        needs = DUTY_STANDARDS.get(duty, ()) if isinstance(duty, str) else ()
        if needs and not set(needs) & set(standards):
            asked_by = " and ".join(STANDARD_NAMES[s] for s in needs)
            raise ValidationFailed(
                {"duties": [f"“{labels[duty]}” is a duty of {asked_by}; this role does not serve {asked_by}."]}
            )


def _check_deputy(deputy: Any, holders: list[Any]) -> None:
    if deputy is not None and deputy.pk in {h.pk for h in holders}:
        raise ValidationFailed({"deputy": [f"{deputy} already holds the role; choose someone else as deputy."]})


def _active_users(users: Iterable[Any]) -> list[Any]:
    ids = sorted({u if isinstance(u, int) else u.pk for u in users})
    found = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
    missing = sorted(set(ids) - {u.pk for u in found})
    if missing:
        raise ValidationFailed({"holders": [f"No active user with id {', '.join(map(str, missing))}."]})
    return sorted(found, key=lambda u: u.username)


def _visible_processes(by: Any, processes: Iterable[Process | int]) -> list[Process]:
    ids = sorted({p if isinstance(p, int) else p.pk for p in processes})
    found = list(processes_visible_to(by).filter(pk__in=ids, archived_at__isnull=True))
    missing = sorted(set(ids) - {p.pk for p in found})
    if missing:
        raise ValidationFailed(
            {"processes": [f"No active process with id {', '.join(map(str, missing))} that you may see."]}
        )
    return sorted(found, key=lambda p: p.reference)


def _refs(processes: Iterable[Process]) -> str:
    return ", ".join(sorted(p.reference for p in processes)) or "none"


def _names(users: Iterable[Any]) -> str:
    return ", ".join(sorted(u.username for u in users)) or "nobody"


@transaction.atomic
def responsibility_create(
    *,
    by: Any,
    site: Any = None,
    reference: str = "",
    holders: Iterable[Any] = (),
    processes: Iterable[Process | int] = (),
    **fields: Any,
) -> Responsibility:
    _require(by, Action.CREATE, site)
    if fields.get("top_management"):
        _require_top(by, site)
    _check_fields(fields, "Unknown field.")
    people = _active_users(holders)
    linked = _visible_processes(by, processes)
    record = Responsibility(site=site, reference=reference.strip() or _next_reference(), **fields)
    _check_duties(record.duties, record.standards)
    _check_deputy(record.deputy, people)
    create_record(record, by=by, note=f"held by {_names(people)}; processes {_refs(linked)}")
    record.holders.set(people)
    record.processes.set(linked)
    return record


@transaction.atomic
def responsibility_update(
    *,
    by: Any,
    responsibility: Responsibility,
    version: int,
    holders: Iterable[Any] | None = None,
    processes: Iterable[Process | int] | None = None,
    **fields: Any,
) -> Responsibility:
    record = responsibility
    _require(by, Action.CHANGE, record.site)
    if record.archived_at is not None:
        raise WorkflowError(f"{record.reference} is archived; restore it before changing it.")
    _check_fields(fields, "This field cannot be changed here.")
    if record.top_management or fields.get("top_management"):
        _require_top(by, record.site)
    current_people = sorted(record.holders.all(), key=lambda u: u.username)
    current_processes = list(record.processes.all())
    people = None if holders is None else _active_users(holders)
    linked = None if processes is None else _visible_processes(by, processes)
    if people is not None and {u.pk for u in people} == {u.pk for u in current_people}:
        people = None
    if linked is not None and {p.pk for p in linked} == {p.pk for p in current_processes}:
        linked = None
    _check_duties(fields.get("duties", record.duties), fields.get("standards", record.standards))
    _check_deputy(fields.get("deputy", record.deputy), current_people if people is None else people)
    before_version = record.version
    update_record(record, by=by, version=version, changes=fields)
    if people is None and linked is None:
        return record
    if record.version == before_version:  # only the links change: still claim the version
        update_record(record, by=by, version=version, changes={"updated_at": timezone.now()})
    changes: dict[str, list[str]] = {}
    if people is not None:
        record.holders.set(people)
        changes["holders"] = [_names(current_people), _names(people)]
    if linked is not None:
        record.processes.set(linked)
        changes["processes"] = [_refs(current_processes), _refs(linked)]
    record_change(action="update", by=by, record=record, changes=changes)
    return record


@transaction.atomic
def responsibility_archive(*, by: Any, responsibility: Responsibility, version: int) -> Responsibility:
    record = responsibility
    _require(by, Action.CHANGE, record.site)
    if record.top_management:
        _require_top(by, record.site)
    if record.archived_at is not None:
        raise WorkflowError(f"{record.reference} is already archived.")
    return update_record(record, by=by, version=version, changes={"archived_at": timezone.now()}, note="archived")
