"""Distribution and acknowledgement: who is asked to read, completion, starting again with a new revision."""

from __future__ import annotations

import pytest

from ims.core.errors import ValidationFailed, WorkflowError
from ims.documents.services import (
    acknowledge,
    audience,
    completion,
    distribution_add,
    publish,
    revision_start,
    sign_step,
    steps_set,
    submit,
)
from tests.conftest import PASSWORD


def make_effective(revision, author, approver):
    steps_set(by=author, revision=revision, approvers=[approver])
    revision.refresh_from_db()
    submit(by=author, revision=revision, version=revision.version)
    revision.refresh_from_db()
    sign_step(by=approver, revision=revision, version=revision.version, password=PASSWORD, meaning="approved")
    revision.refresh_from_db()
    return publish(by=approver, revision=revision, version=revision.version)


def test_readers_by_person_role_and_site_and_acknowledgement_starts_again(
    procedure, owner, manager, contributor, viewer, auditor, north
):
    with pytest.raises(ValidationFailed, match="exactly one of"):
        distribution_add(by=owner, document=procedure)
    distribution_add(by=owner, document=procedure, site=north)
    distribution_add(by=owner, document=procedure, role="auditor")
    distribution_add(by=owner, document=procedure, user=viewer)
    distribution_add(by=owner, document=procedure, user=viewer)  # once is enough
    assert {u.username for u in audience(procedure)} == {"owner", "contributor", "auditor", "viewer"}
    first = procedure.revisions.get()
    with pytest.raises(WorkflowError, match="only the effective revision is acknowledged"):
        acknowledge(by=contributor, revision=first)
    make_effective(first, owner, manager)
    acknowledge(by=contributor, revision=first)
    acknowledge(by=contributor, revision=first)
    acknowledge(by=viewer, revision=first)
    assert completion(procedure) == (2, 4)
    with pytest.raises(WorkflowError, match="not asked to read PRO-ENV-001"):
        acknowledge(by=manager, revision=first)
    second = revision_start(by=owner, document=procedure)
    make_effective(second, owner, manager)
    assert completion(procedure) == (0, 4), "a new effective revision is read again"
