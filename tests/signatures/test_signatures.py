"""Electronic signatures: re-authentication, the hash of the exact content, invalidation, the audit trail."""

from __future__ import annotations

import hashlib

import pytest
from django.db import transaction
from django.test import override_settings

from ims.audit.models import AuditEntry
from ims.core.errors import ValidationFailed
from ims.signatures.models import Signature
from ims.signatures.services import LOCKED, WRONG_PASSWORD, invalidate_changed, reauthenticate, sign, signatures_of
from tests.conftest import PASSWORD


def test_a_signature_stores_who_when_meaning_and_the_sha256_of_the_content(manager, north):
    with transaction.atomic():
        reauthenticate(manager, PASSWORD)
        signature = sign(by=manager, record=north, content=b"exact bytes", meaning="approved")
    assert signature.content_sha256 == hashlib.sha256(b"exact bytes").hexdigest()
    assert (signature.signer, signature.signer_name, signature.meaning) == (manager, "Manager", "approved")
    assert (signature.record_type, signature.record_id) == ("org.site", str(north.pk))
    assert signature.matches(b"exact bytes")
    assert not signature.matches(b"exact bytes.")
    entry = AuditEntry.objects.filter(action="sign").get()
    assert entry.changes == {"signature": [None, f"approved sha256:{signature.content_sha256}"]}
    assert entry.note == "signed as approved"
    assert list(signatures_of(north)) == [signature]


def test_a_wrong_password_signs_nothing_and_counts_toward_the_lock_out(manager):
    with pytest.raises(ValidationFailed) as refused:
        reauthenticate(manager, "not my password")
    assert refused.value.errors == {"password": [WRONG_PASSWORD]}
    manager.refresh_from_db()
    assert manager.failed_login_count == 1
    assert AuditEntry.objects.filter(action="login_failed", note__startswith="wrong password when signing").exists()
    with pytest.raises(ValidationFailed):
        reauthenticate(manager, "")


@override_settings(IMS_LOCKOUT_THRESHOLD=2)
def test_a_locked_account_cannot_sign_even_with_the_right_password(manager):
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            reauthenticate(manager, "wrong")
    manager.refresh_from_db()
    assert manager.is_locked
    with pytest.raises(ValidationFailed) as refused:
        reauthenticate(manager, PASSWORD)
    assert refused.value.errors == {"password": [LOCKED]}


def test_rejecting_needs_a_reason_and_meanings_are_a_closed_list(manager, north):
    with transaction.atomic():
        with pytest.raises(ValidationFailed) as no_reason:
            sign(by=manager, record=north, content=b"x", meaning="rejected")
        assert no_reason.value.errors == {"reason": ["Say why you reject it."]}
        with pytest.raises(ValidationFailed) as unknown:
            sign(by=manager, record=north, content=b"x", meaning="seen")
        assert unknown.value.errors == {
            "meaning": ["“seen” is not a meaning; use one of: reviewed, approved, rejected."]
        }
    assert not Signature.objects.exists()


def test_changed_content_invalidates_only_the_signatures_it_no_longer_matches(manager, admin, north):
    with transaction.atomic():
        old = sign(by=manager, record=north, content=b"v1", meaning="reviewed")
        current = sign(by=admin, record=north, content=b"v2", meaning="approved")
        stale = invalidate_changed(by=manager, record=north, content=b"v2", reason="the text changed after signing")
    assert stale == [old]
    old.refresh_from_db()
    current.refresh_from_db()
    assert not old.valid
    assert old.invalidated_reason == "the text changed after signing"
    assert current.valid
    assert AuditEntry.objects.filter(action="signature_invalidated").count() == 1
