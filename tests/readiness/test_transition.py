"""The 14001:2015 → 14001:2026 transition report, joined with the organisation's records."""

from __future__ import annotations

import pytest

from ims.readiness.services import assessment_save, evidence_link
from ims.readiness.transition import transition_rows
from ims.standards.loader import DATA_DIR, load
from ims.standards.selectors import clause_get, edition_get


@pytest.fixture
def library(db):
    load(DATA_DIR)


def row(rows, *, old=None, new=None):
    return next(
        r for r in rows if (old is None or r.change.from_number == old) and (new is None or r.change.to_number == new)
    )


def test_new_changed_and_moved_clauses_with_the_records_they_touch(library, manager, org):
    old, new = edition_get("iso14001:2015"), edition_get("iso14001:2026")
    assessment_save(by=manager, clause=clause_get(old, "6.1.4"), status="implemented")
    evidence_link(by=manager, clause=clause_get(old, "6.1.4"), record_type="org.organisation", record_id="1")
    rows = transition_rows(old, new)
    added = row(rows, new="6.3")
    assert added.change.change == "new"
    assert added.affected
    assert added.assessment is None
    moved = row(rows, old="6.1.4")
    assert moved.new.number == "6.1.5"
    assert moved.assessment.status == "implemented"
    assert moved.evidence == 1
    assert moved.affected
    assert not row(rows, old="8.2").affected


def test_a_common_assessment_carries_over(library, manager):
    assessment_save(by=manager, clause=clause_get(edition_get("iso14001:2015"), "7.2"), status="verified")
    rows = transition_rows(edition_get("iso14001:2015"), edition_get("iso14001:2026"))
    competence = row(rows, old="7.2")
    assert competence.assessment.hs_number == "7.2"


def test_the_page(library, web, viewer):
    page = web(viewer).get("/readiness/transition/iso14001:2015/iso14001:2026/").content.decode()
    assert "Moving from ISO 14001:2015" in page
    assert "Planning of changes" in page
    assert "New requirement: plan it" in page
