"""Each automatic check passes and fails on the right data."""

from __future__ import annotations

import pytest

from ims.org.models import ScopeStatement
from ims.org.services import scope_save
from ims.readiness.builtin import scope_defined
from ims.readiness.checks import Status, register
from ims.standards.loader import DATA_DIR, load
from tests.conftest import assert_problem


def test_the_scope_check_fails_without_any_statement(db):
    result = scope_defined(None)
    assert result.status == Status.FAIL
    assert result.explanation.startswith("No standard is in scope yet")


def test_the_scope_check_fails_on_an_empty_statement(db, manager):
    scope_save(by=manager, standard="iso9001", statement="Design and machining.")
    ScopeStatement.objects.filter(standard="iso9001").update(statement="  ")
    result = scope_defined(None)
    assert result.status == Status.FAIL
    assert result.explanation == "The scope statement is empty for ISO 9001."


def test_the_scope_check_passes_and_notes_a_standard_without_statement(db, manager):
    scope = scope_save(by=manager, standard="iso9001", statement="Design and machining.")
    result = scope_defined(None)
    assert result.status == Status.PASS
    assert (
        result.explanation
        == "Scope statements exist for ISO 9001 (ISO 14001 has no statement: is it out of scope on purpose?)."
    )
    assert result.evidence == (f"org.scopestatement:{scope.pk}",)


def test_a_standard_out_of_scope_is_not_required(db, manager):
    scope_save(by=manager, standard="iso9001", statement="Design and machining.")
    scope_save(by=manager, standard="iso14001", statement="Not yet.", in_scope=False)
    assert scope_defined(None).explanation == "Scope statements exist for ISO 9001."


def test_a_check_key_is_registered_once():
    with pytest.raises(ValueError, match="already registered"):
        register("scope", title="again", clauses=[("iso9001", "4.3")])(scope_defined)


def test_evidence_can_be_unlinked_and_applicability_listed(db, api, manager, org):
    load(DATA_DIR)
    client = api(manager)
    client.post("/readiness/iso9001/2015/4.3/evidence", {"record_type": "org.organisation", "record_id": "1"})
    removed = client.delete("/readiness/iso9001/2015/4.3/evidence/org.organisation/1")
    assert removed.json()["evidence"] == []
    assert_problem(client.delete("/readiness/iso9001/2015/4.3/evidence/org.organisation/1"), 404, "not-found")
    client.put("/applicability/iso9001/2015/8.3.1", {"applicable": False, "justification": "Build to print."})
    assert client.get("/applicability").json() == [
        {
            "clause": "iso9001:2015:8.3.1",
            "version": 1,
            "applicable": False,
            "justification": "Build to print.",
            "warnings": [],
        }
    ]


def test_register_records_can_be_linked_as_evidence_when_visible(db, api, manager, owner, outsider, north):
    from ims.aspects.services import aspect_create

    load(DATA_DIR)
    aspect = aspect_create(by=owner, site=north, activity="Degreasing", aspect="Solvent vapour", impact="VOC")
    client = api(manager)
    linked = client.post(
        "/readiness/iso14001/2015/6.1.2/evidence", {"record_type": "aspects.aspect", "record_id": str(aspect.pk)}
    )
    assert linked.status_code == 201
    from ims.core.errors import ValidationFailed
    from ims.readiness.evidence import resolve

    with pytest.raises(ValidationFailed, match="No environmental aspect with id"):
        resolve(outsider, "aspects.aspect", str(aspect.pk))
