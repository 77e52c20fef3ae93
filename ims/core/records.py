"""The common steps of creating and updating a versioned, audited record.

Services call these after their own rules, inside their transaction, so the
validation, the version check and the audit entry are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from ims.audit.services import record_create, record_update, snapshot
from ims.core.errors import ValidationFailed
from ims.core.models import VersionedModel
from ims.core.versioning import claim_version

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=VersionedModel)


def validate(record: models.Model, *, exclude: Iterable[str] | None = None) -> None:
    """Run the model's field and uniqueness validation; raise ValidationFailed."""
    nul = [f.name for f in record._meta.concrete_fields if "\x00" in str(getattr(record, f.attname) or "")]
    if nul:
        raise ValidationFailed({name: ["Contains a NUL character, which cannot be stored."] for name in nul})
    try:
        record.full_clean(exclude=list(exclude) if exclude else None)
    except DjangoValidationError as exc:
        raise ValidationFailed({field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}) from None


def create_record(record: M, *, by: Any, note: str = "") -> M:
    validate(record)
    record.save(force_insert=True)
    record_create(record=record, by=by, note=note)
    return record


def _unchanged(record: models.Model, name: str, proposed: Any) -> bool:
    """Would setting ``name`` to ``proposed`` leave the stored value as it is?"""
    try:
        field = record._meta.get_field(name)
        if field.many_to_one or field.one_to_one:  # a foreign key: compare the ids, not the objects
            proposed_id = proposed.pk if isinstance(proposed, models.Model) else proposed
            return bool(getattr(record, field.attname) == proposed_id)  # type: ignore[union-attr]
        value = None if proposed is None else field.to_python(proposed)  # type: ignore[union-attr]
    except (FieldDoesNotExist, DjangoValidationError, TypeError, AttributeError):
        return False
    return bool(getattr(record, name) == value)


def update_record(record: V, *, by: Any, version: int, changes: Mapping[str, Any], note: str = "") -> V:
    """Apply ``changes`` to ``record`` if it is still at ``version``; audit the difference."""
    unknown = [name for name in changes if not hasattr(record, name)]
    if unknown:
        raise ValidationFailed({name: ["Unknown field."] for name in unknown})
    before = snapshot(record)
    if all(_unchanged(record, name, value) for name, value in changes.items()):
        return record  # nothing would change: no new version, no audit entry
    claim_version(record, expected=version, proposed=dict(changes))
    for name, value in changes.items():
        setattr(record, name, value)
    validate(record)
    # Only the changed columns: a concurrent write to a column outside the version
    # check (a failed-login counter, a password) must not be reverted.
    fields = [record._meta.get_field(name).name for name in changes]
    record.save(update_fields=[*fields, "version", "updated_at"])
    record_update(record=record, by=by, before=before, note=note)
    return record
