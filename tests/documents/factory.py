"""Documents brought through the lifecycle in one call, for tests that need them in a given state."""

from __future__ import annotations

from typing import Any

from ims.documents.models import Revision
from ims.documents.services import document_create, publish, revision_start, sign_step, steps_set, submit
from tests.conftest import PASSWORD


def fresh(record: Any) -> Any:
    record.refresh_from_db()
    return record


def approve(revision: Revision, *, by: Any, approver: Any) -> Revision:
    """Name ``approver``, submit and sign: the revision is approved (not yet effective)."""
    steps_set(by=by, revision=revision, approvers=[approver])
    submit(by=by, revision=revision, version=fresh(revision).version)
    sign_step(
        by=approver, revision=fresh(revision), version=fresh(revision).version, password=PASSWORD, meaning="approved"
    )
    return fresh(revision)


def make_effective(revision: Revision, *, by: Any, approver: Any) -> Revision:
    approved = approve(revision, by=by, approver=approver)
    publish(by=approver, revision=approved, version=approved.version)
    return fresh(revision)


def effective_document(*, by: Any, approver: Any, **fields: Any) -> Any:
    """A new document whose first revision is effective."""
    fields.setdefault("doc_type", "procedure")
    fields.setdefault("text", "Body.")
    document = document_create(by=by, **fields)
    make_effective(document.revisions.get(), by=by, approver=approver)
    return fresh(document)


def next_revision(document: Any, *, by: Any, approver: Any, text: str = "Changed.") -> Revision:
    from ims.documents.services import draft_update

    draft = revision_start(by=by, document=document, change_summary="Update.")
    draft_update(by=by, revision=draft, version=draft.version, text=text)
    return make_effective(fresh(draft), by=by, approver=approver)
