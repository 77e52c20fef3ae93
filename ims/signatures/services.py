"""Signing: re-authenticate, hash the exact content, store the signature and audit it.

Callers (policy approval, document review) pass the bytes they consider the
content of the record; the same function must produce those bytes again when
the signature is verified, so it lives next to the record's model.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from ims.accounts.services import count_password_failure
from ims.audit.services import record_change, record_type_of
from ims.core.errors import ValidationFailed
from ims.signatures.models import Meaning, Signature

WRONG_PASSWORD = "The password is not correct; nothing was signed."
LOCKED = "Your account is locked after repeated wrong passwords; nothing was signed. Try again later."


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def reauthenticate(user: Any, password: str) -> None:
    """Confirm the signer is the person signed in, by their password.

    A wrong password counts toward the account's lock-out like a failed sign-in.
    Call this before the signing transaction opens, so the count is kept.
    """
    if getattr(user, "is_locked", False) or not getattr(user, "is_active", False):
        raise ValidationFailed({"password": [LOCKED]})
    if not password or not user.check_password(password):
        with transaction.atomic():
            count_password_failure(user, during="when signing")
        raise ValidationFailed({"password": [WRONG_PASSWORD]})


def sign(*, by: Any, record: models.Model, content: bytes, meaning: str, reason: str = "") -> Signature:
    """Store a signature of ``content`` by ``by``; the caller has re-authenticated ``by``.

    Must run inside the caller's transaction, together with the state change the
    signature stands for.
    """
    if meaning not in Meaning.values:
        raise ValidationFailed({"meaning": [f"“{meaning}” is not a meaning; use one of: {', '.join(Meaning.values)}."]})
    reason = (reason or "").strip()
    if meaning == Meaning.REJECTED and not reason:
        raise ValidationFailed({"reason": ["Say why you reject it."]})
    digest = content_hash(content)
    signature = Signature.objects.create(
        record_type=record_type_of(record),
        record_id=str(record.pk),
        record_repr=str(record)[:300],
        signer=by,
        signer_name=(by.get_full_name() or by.username)[:300],
        meaning=meaning,
        reason=reason,
        content_sha256=digest,
        signed_at=timezone.now(),
    )
    record_change(
        action="sign",
        by=by,
        record=record,
        changes={"signature": [None, f"{meaning} sha256:{digest}"]},
        note=f"signed as {Meaning(meaning).label.lower()}" + (f": {reason}" if reason else ""),
    )
    return signature


def invalidate_changed(*, by: Any, record: models.Model, content: bytes, reason: str) -> list[Signature]:
    """Mark invalid every valid signature of ``record`` that no longer matches ``content``."""
    digest = content_hash(content)
    stale = list(
        Signature.objects.filter(
            record_type=record_type_of(record), record_id=str(record.pk), invalidated_at__isnull=True
        ).exclude(content_sha256=digest)
    )
    now = timezone.now()
    for signature in stale:
        signature.invalidated_at = now
        signature.invalidated_reason = reason
        signature.save(update_fields=["invalidated_at", "invalidated_reason"])
        record_change(
            action="signature_invalidated",
            by=by,
            record=record,
            changes={"signature": [f"{signature.meaning} sha256:{signature.content_sha256}", None]},
            note=f"signature of {signature.signer_name} invalidated: {reason}",
        )
    return stale


def signatures_of(record: models.Model) -> models.QuerySet[Signature]:
    return Signature.objects.filter(record_type=record_type_of(record), record_id=str(record.pk)).select_related(
        "signer"
    )
