"""Writing the audit trail. Called by services inside their own transaction.

Never called from signals: the service that makes a change also records it,
in the same transaction, so a change without its audit entry (or the reverse)
cannot be committed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from ims.audit.chain import entry_hash
from ims.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from ims.core import context

# Bookkeeping fields that change on every save and say nothing to an auditor.
UNTRACKED = {"id", "version", "created_at", "updated_at", "password", "last_login"}
HIDDEN = "(hidden)"


def json_value(value: Any) -> Any:
    """A JSON-safe, stable representation of a field value."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_value(v) for v in value]
    return str(value)


def snapshot(record: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The audited field values of a record, keyed by field name."""
    skip = UNTRACKED | set(exclude) | set(getattr(record, "audit_exclude", ()))
    values: dict[str, Any] = {}
    for field in record._meta.concrete_fields:
        if field.name in skip:
            continue
        values[field.name] = json_value(getattr(record, field.attname))
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Field-level ``[old, new]`` pairs for the fields that differ."""
    keys = list(before) + [k for k in after if k not in before]
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record_type_of(record: models.Model) -> str:
    return f"{record._meta.app_label}.{record._meta.model_name}"


def _site_of(record: models.Model | None) -> int | None:
    if record is None:
        return None
    audit_site = getattr(record, "audit_site_id", None)
    if audit_site is not None:
        return int(audit_site)
    site_id = getattr(record, "site_id", None)
    return int(site_id) if site_id is not None else None


def record_change(
    *,
    action: str,
    by: Any,
    record: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    actor_label: str | None = None,
    record_type: str = "",
    record_id: str = "",
    record_repr: str = "",
    site_id: int | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_change must be called inside the service's transaction")
    ctx = context.current()
    if record is not None:
        record_type = record_type or record_type_of(record)
        record_id = record_id or str(record.pk)
        record_repr = record_repr or str(record)[:300]
        site_id = site_id if site_id is not None else _site_of(record)
    actor_id = getattr(by, "pk", None) if by is not None else None
    label = actor_label or (getattr(by, "username", None) if by is not None else None)
    seq, prev_hash = _lock_head()
    entry = AuditEntry(
        id=seq,
        at=timezone.now(),
        actor_id=actor_id,
        actor_label=(label or f"{ctx.channel}")[:200],
        channel=str(ctx.channel),
        ip=ctx.ip or "",
        action=action,
        record_type=record_type,
        record_id=record_id,
        record_repr=record_repr,
        site_id=site_id,
        changes=json_value(dict(changes or {})),
        note=note[:500],
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    AuditHead.objects.filter(pk=1).update(last_hash=entry.hash)
    return entry


def _lock_head() -> tuple[int, str]:
    """Take the next chain position; the UPDATE holds the head row's lock until commit."""
    if not AuditHead.objects.filter(pk=1).update(seq=F("seq") + 1):
        AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "last_hash": GENESIS_HASH})
        AuditHead.objects.filter(pk=1).update(seq=F("seq") + 1)
    head = AuditHead.objects.get(pk=1)
    return head.seq, head.last_hash


def record_create(*, record: models.Model, by: Any, note: str = "") -> AuditEntry:
    after = snapshot(record)
    return record_change(
        action="create",
        by=by,
        record=record,
        changes={k: [None, v] for k, v in after.items()},
        note=note,
    )


def record_update(*, record: models.Model, by: Any, before: Mapping[str, Any], note: str = "") -> AuditEntry | None:
    """Record an update; returns None when nothing audited actually changed."""
    changes = diff(before, snapshot(record))
    if not changes:
        return None
    return record_change(action="update", by=by, record=record, changes=changes, note=note)


def record_delete(
    *, record: models.Model, by: Any, before: Mapping[str, Any], record_id: str, note: str = ""
) -> AuditEntry:
    return record_change(
        action="delete",
        by=by,
        record=record,
        record_id=record_id,
        changes={k: [v, None] for k, v in before.items()},
        note=note,
    )
