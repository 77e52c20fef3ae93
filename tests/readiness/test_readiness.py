"""Readiness: assessments answered once for common requirements, checks that gate verification."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.org.services import scope_save
from ims.readiness.checks import REGISTRY, Status, run_all
from ims.readiness.models import Assessment
from ims.readiness.selectors import edition_readiness
from ims.readiness.services import applicability_set, assessment_save, evidence_link
from ims.standards.loader import DATA_DIR, load
from ims.standards.selectors import clause_get, edition_get
from tests.conftest import assert_problem


@pytest.fixture
def library(db):
    load(DATA_DIR)


def clause(key: str, number: str):
    return clause_get(edition_get(key), number)


def status_of(key: str, number: str) -> str:
    state = edition_readiness(edition_get(key))
    return next(r.status for r in state.requirements if r.clause.number == number)


def test_a_common_requirement_assessed_once_counts_for_both_standards(library, manager):
    before_q = edition_readiness(edition_get("iso9001:2015")).score
    before_e = edition_readiness(edition_get("iso14001:2015")).score
    assessment_save(by=manager, clause=clause("iso9001:2015", "4.1"), status="implemented")
    assert status_of("iso9001:2015", "4.1") == "implemented"
    assert status_of("iso14001:2015", "4.1") == "implemented"
    assert status_of("iso14001:2026", "4.1") == "implemented"
    assert Assessment.objects.count() == 1
    assert Assessment.objects.get().hs_number == "4.1"
    assert edition_readiness(edition_get("iso9001:2015")).score > before_q
    assert edition_readiness(edition_get("iso14001:2015")).score > before_e


def test_a_specific_requirement_is_assessed_for_its_standard_only(library, manager):
    assessment_save(by=manager, clause=clause("iso9001:2015", "9.1.2"), status="verified")
    assert status_of("iso9001:2015", "9.1.2") == "verified"
    assert status_of("iso14001:2015", "9.1.2") == "not_started", "9.1.2 is a different requirement in 14001"


def test_verified_is_refused_while_a_check_fails_and_allowed_once_it_passes(library, manager, org):
    scope = clause("iso14001:2015", "4.3")
    with pytest.raises(WorkflowError) as exc:
        assessment_save(by=manager, clause=scope, status="verified")
    assert "cannot be marked verified while a check fails" in exc.value.detail
    assert "No standard is in scope yet" in exc.value.detail
    assert not Assessment.objects.exists()
    scope_save(by=manager, standard="iso14001", statement="Machining at the North plant.")
    assert assessment_save(by=manager, clause=scope, status="verified").status == "verified"


def test_a_failing_check_holds_the_score_of_an_implemented_requirement(library, manager):
    assessment_save(by=manager, clause=clause("iso14001:2015", "4.3"), status="implemented")
    state = edition_readiness(edition_get("iso14001:2015"))
    scope_state = next(r for r in state.requirements if r.clause.number == "4.3")
    assert scope_state.failing
    assert scope_state.weight == 0.25


def test_iso_14001_allows_no_exclusions(library, manager):
    with pytest.raises(WorkflowError, match="allows no exclusions"):
        applicability_set(by=manager, clause=clause("iso14001:2015", "8.2"), applicable=False, justification="No")


def test_a_9001_exclusion_needs_a_justification_and_warns_when_unusual(library, manager):
    design = clause("iso9001:2015", "8.3.1")
    with pytest.raises(ValidationFailed):
        applicability_set(by=manager, clause=design, applicable=False)
    result = applicability_set(
        by=manager, clause=design, applicable=False, justification="We build to customer drawings only."
    )
    assert result.warnings == []
    unusual = applicability_set(
        by=manager, clause=clause("iso9001:2015", "9.2.1"), applicable=False, justification="Small company."
    )
    assert "rarely excludable" in unusual.warnings[0]


def test_a_requirement_declared_not_applicable_is_not_assessed_nor_scored(library, manager):
    design = clause("iso9001:2015", "8.3.1")
    applicability_set(by=manager, clause=design, applicable=False, justification="Build to print.")
    with pytest.raises(WorkflowError, match="not applicable"):
        assessment_save(by=manager, clause=design, status="in_progress")
    state = edition_readiness(edition_get("iso9001:2015"))
    assert not next(r for r in state.requirements if r.clause.number == "8.3.1").applicable


def test_an_update_needs_the_version(library, manager):
    first = assessment_save(by=manager, clause=clause("iso9001:2015", "7.2"), status="in_progress")
    with pytest.raises(ValidationFailed):
        assessment_save(by=manager, clause=clause("iso9001:2015", "7.2"), status="implemented")
    assessment_save(by=manager, clause=clause("iso9001:2015", "7.2"), status="implemented", version=first.version)
    assert status_of("iso9001:2015", "7.2") == "implemented"


@pytest.mark.parametrize("persona", ["owner", "auditor", "contributor", "viewer"])
def test_only_managers_assess(request, library, persona):
    with pytest.raises(PermissionRefused):
        assessment_save(by=request.getfixturevalue(persona), clause=clause("iso9001:2015", "7.2"), status="in_progress")


def test_evidence_must_be_a_known_record_the_person_may_see(library, manager, make_user, north, south):
    from ims.accounts.models import Membership

    target = clause("iso9001:2015", "4.3")
    with pytest.raises(ValidationFailed, match="cannot be linked"):
        evidence_link(by=manager, clause=target, record_type="made.up", record_id="1")
    with pytest.raises(ValidationFailed, match="No site with id 999"):
        evidence_link(by=manager, clause=target, record_type="org.site", record_id="999")
    link = evidence_link(by=manager, clause=target, record_type="org.site", record_id=str(north.pk))
    assert link.label == "North plant"
    narrow = make_user("narrow-manager", ("ims_manager", south))
    Membership.objects.filter(user=narrow).update(site=south)
    with pytest.raises((ValidationFailed, PermissionRefused)):
        evidence_link(by=narrow, clause=target, record_type="org.site", record_id=str(north.pk))


def test_checks_without_their_register_report_no_data_never_pass(library):
    outcomes = {o.check.key: o.result for o in run_all()}
    assert set(outcomes) == set(REGISTRY)
    for key in (
        "policy",
        "objectives",
        "documents",
        "internal_audit",
        "management_review",
        "aspects",
        "compliance_evaluation",
        "corrective_actions",
    ):
        assert outcomes[key].status == Status.NO_DATA
        assert outcomes[key].explanation.startswith("No data yet")


def test_the_api_scores_and_assessments(library, api, manager, viewer, org):
    client = api(manager)
    response = client.put("/readiness/iso9001/2015/4.2", {"status": "implemented"})
    assert response.json()["requirement"] == "hs:4.2"
    assert response.json()["common"] is True
    scores = {s["edition"]: s for s in client.get("/readiness/scores").json()}
    assert set(scores) == {"iso9001:2015", "iso14001:2026"}
    assert scores["iso9001:2015"]["groups"]["4"] > 0
    body = assert_problem(client.put("/readiness/iso14001/2015/4.3", {"status": "verified"}), 409, "workflow")
    assert "check fails" in body["detail"]
    assert_problem(client.put("/readiness/iso9001/2015/9.9", {"status": "verified"}), 404, "not-found")
    assert_problem(api(viewer).put("/readiness/iso9001/2015/7.2", {"status": "implemented"}), 403, "forbidden")
    assert_problem(
        client.put("/applicability/iso14001/2015/8.2", {"applicable": False, "justification": "x"}), 409, "workflow"
    )
    linked = client.post("/readiness/iso9001/2015/4.3/evidence", {"record_type": "org.organisation", "record_id": "1"})
    assert linked.status_code == 201
    assert linked.json()["evidence"] == ["org.organisation:1"]


def test_the_command_prints_scores_gaps_and_checks(library, capsys):
    call_command("readiness", "--gaps", "2")
    out = capsys.readouterr().out
    assert "ISO 9001:2015 + Amd 1:2024: 0.0%" in out
    assert "[no data] A policy in force covers each standard, states its commitments and was communicated" in out


def test_the_page_shows_scores_failing_checks_first_and_gaps(library, web, viewer):
    page = web(viewer).get("/readiness/").content.decode()
    assert "ISO 9001:2015 + Amd 1:2024" in page
    assert page.index("No standard is in scope yet") < page.index("No data yet"), "failing checks come first"
    assert 'href="#check-scope"' in page, "a gap links to the failing check that explains it"
