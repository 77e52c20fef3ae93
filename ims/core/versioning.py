"""Optimistic locking: no lost updates between two editors of one record."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import F

from ims.core.errors import ConflictError
from ims.core.models import VersionedModel

M = TypeVar("M", bound=VersionedModel)


def claim_version(record: M, *, expected: int, proposed: dict[str, Any] | None = None) -> M:
    """Take the next version of ``record`` if it is still at ``expected``.

    The conditional UPDATE is atomic on SQLite and PostgreSQL, so of two
    concurrent saves of the same version exactly one wins; the other gets a
    :class:`ConflictError` listing what changed meanwhile (current value next to
    the value the caller proposed). Call inside the service's transaction.
    """
    model = type(record)
    won = model._default_manager.filter(pk=record.pk, version=expected).update(version=F("version") + 1)
    if won:
        record.version = expected + 1
        return record
    current = model._default_manager.get(pk=record.pk)
    changed: dict[str, dict[str, Any]] = {}
    for field, mine in (proposed or {}).items():
        theirs = getattr(current, field)
        if _comparable(theirs) != _comparable(mine):
            changed[field] = {"current": _comparable(theirs), "yours": _comparable(mine)}
    raise ConflictError(
        f"{str(model._meta.verbose_name).capitalize()} “{current}” was changed by someone else "
        f"(now version {current.version}, you edited version {expected}). "
        "Review the current values and save again.",
        current_version=current.version,
        changed=changed,
    )


def _comparable(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
