"""Roles and responsibilities: every validation, permissions, top management, the 5.3 check."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ims.audit.models import AuditEntry
from ims.core.errors import ConflictError, PermissionRefused, ValidationFailed, WorkflowError
from ims.org.models import ScopeStatement
from ims.processes.services import process_archive, process_create
from ims.readiness.checks import REGISTRY, Status
from ims.readiness.evidence import resolve
from ims.responsibilities import selectors
from ims.responsibilities.checks import responsibilities_assigned
from ims.responsibilities.models import Duty, Responsibility
from ims.responsibilities.selectors import is_top_management, responsibilities_of, top_management_for
from ims.responsibilities.services import responsibility_archive, responsibility_create, responsibility_update

ROLE = {"title": "Environmental coordinator", "responsibilities": "Keeps the aspects register up to date."}
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def errors(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as refused:
        call(**kwargs)
    return refused.value.errors


def test_references_are_numbered_and_kept(manager, north):
    first = responsibility_create(by=manager, site=north, **ROLE)
    second = responsibility_create(by=manager, site=None, **ROLE)
    chosen = responsibility_create(by=manager, site=north, reference=" RES-050 ", **ROLE)
    after = responsibility_create(by=manager, site=north, **ROLE)
    assert [r.reference for r in (first, second, chosen, after)] == ["RES-001", "RES-002", "RES-050", "RES-051"]
    assert first.standards == ["iso9001", "iso14001"]
    assert first.duties == []
    assert first.top_management is False
    assert errors(responsibility_create, by=manager, site=north, reference="RES-001", **ROLE) == {
        "reference": ["Responsibility with this Reference already exists."]
    }


def test_the_role_and_what_it_answers_for_are_required(manager, north):
    assert errors(responsibility_create, by=manager, site=north, title=" ", responsibilities="x") == {
        "title": ["This field cannot be blank."]
    }
    assert errors(responsibility_create, by=manager, site=north, title="Buyer", responsibilities="") == {
        "responsibilities": ["This field cannot be blank."]
    }
    assert errors(responsibility_create, by=manager, site=north, status="x", **ROLE) == {"status": ["Unknown field."]}
    assert not Responsibility.objects.exists()


def test_holders_and_deputy_must_be_active_people(manager, owner, make_user, north):
    gone = make_user("gone", is_active=False)
    assert errors(responsibility_create, by=manager, site=north, holders=[owner, gone], **ROLE) == {
        "holders": [f"No active user with id {gone.pk}."]
    }
    assert errors(responsibility_create, by=manager, site=north, holders=[owner.pk, 9999], **ROLE) == {
        "holders": ["No active user with id 9999."]
    }
    assert errors(responsibility_create, by=manager, site=north, deputy=gone, **ROLE) == {
        "deputy": ["Gone is not an active user."]
    }
    assert errors(responsibility_create, by=manager, site=north, holders=[owner], deputy=owner, **ROLE) == {
        "deputy": ["Owner already holds the role; choose someone else as deputy."]
    }
    role = responsibility_create(by=manager, site=north, holders=[owner.pk], deputy=manager, **ROLE)
    assert list(role.holders.all()) == [owner]
    assert role.deputy == manager
    assert errors(responsibility_update, by=manager, responsibility=role, version=1, holders=[manager]) == {
        "deputy": ["Manager already holds the role; choose someone else as deputy."]
    }


def test_duties_are_known_codes_of_a_standard_the_role_serves(manager, north):
    assert errors(responsibility_create, by=manager, site=north, duties=["boss"], **ROLE) == {
        "duties": ["Unknown duty: boss; use conformity, reporting, process_outputs, customer_focus, integrity_changes."]
    }
    assert errors(responsibility_create, by=manager, site=north, duties="conformity", **ROLE) == {
        "duties": ["Give the duties as a list of codes."]
    }
    refused = errors(
        responsibility_create, by=manager, site=north, standards=["iso14001"], duties=["customer_focus"], **ROLE
    )
    assert refused == {
        "duties": [
            "“Promote customer focus throughout the organisation” is a duty of ISO 9001; "
            "this role does not serve ISO 9001."
        ]
    }
    assert errors(responsibility_create, by=manager, site=north, standards=[], **ROLE) == {
        "standards": ["This field cannot be blank."]
    }
    assert errors(responsibility_create, by=manager, site=north, standards=["iso27001"], **ROLE) == {
        "standards": ["Unknown standard(s): iso27001; use iso9001, iso14001."]
    }
    role = responsibility_create(
        by=manager, site=north, standards=["iso14001"], duties=["reporting", "conformity", "reporting"], **ROLE
    )
    assert role.duties == ["conformity", "reporting"]
    assert role.duty_labels == [Duty.CONFORMITY.label, Duty.REPORTING.label]
    assert errors(responsibility_update, by=manager, responsibility=role, version=1, duties=["process_outputs"]) == {
        "duties": [
            "“Ensure processes deliver their intended outputs” is a duty of ISO 9001; "
            "this role does not serve ISO 9001."
        ]
    }
    both = responsibility_update(
        by=manager, responsibility=role, version=1, standards=["iso14001", "iso9001"], duties=["process_outputs"]
    )
    assert (both.standards, both.duties, both.version) == (["iso9001", "iso14001"], ["process_outputs"], 2)


def test_processes_must_be_active_and_visible(owner, outsider, north, south):
    washer = process_create(by=owner, sites=[north], name="Surface treatment", kind="core")
    painting = process_create(by=outsider, sites=[south], name="Painting", kind="core")
    old = process_create(by=owner, sites=[north], name="Old line", kind="core")
    process_archive(by=owner, process=old, version=1)
    assert errors(responsibility_create, by=owner, site=north, processes=[painting], **ROLE) == {
        "processes": [f"No active process with id {painting.pk} that you may see."]
    }
    assert errors(responsibility_create, by=owner, site=north, processes=[old.pk], **ROLE) == {
        "processes": [f"No active process with id {old.pk} that you may see."]
    }
    role = responsibility_create(by=owner, site=north, processes=[washer], **ROLE)
    assert list(role.processes.all()) == [washer]
    assert list(selectors.responsibility_list(owner, process_id=washer.pk)) == [role]
    assert list(selectors.for_process(owner, washer)) == [role]


def test_who_may_write_where(owner, manager, viewer, contributor, auditor, outsider, north):
    with pytest.raises(
        PermissionRefused, match=re.escape("You are not allowed to create responsibilities of North plant.")
    ):
        responsibility_create(by=outsider, site=north, **ROLE)
    for person in (viewer, contributor, auditor):
        with pytest.raises(PermissionRefused):
            responsibility_create(by=person, site=north, **ROLE)
    with pytest.raises(
        PermissionRefused, match=re.escape("You are not allowed to create responsibilities of the whole organisation.")
    ):
        responsibility_create(by=owner, site=None, **ROLE)
    local = responsibility_create(by=owner, site=north, **ROLE)
    org_wide = responsibility_create(by=manager, site=None, **ROLE)
    with pytest.raises(PermissionRefused):
        responsibility_update(by=owner, responsibility=org_wide, version=1, title="x")
    with pytest.raises(PermissionRefused):
        responsibility_update(by=viewer, responsibility=local, version=1, title="x")
    with pytest.raises(PermissionRefused):
        responsibility_archive(by=outsider, responsibility=local, version=1)
    assert set(selectors.responsibility_list(owner)) == {local, org_wide}
    assert set(selectors.responsibility_list(viewer)) == {local, org_wide}
    assert list(selectors.responsibility_list(outsider)) == [org_wide]


def test_top_management_roles_need_the_approve_permission(owner, manager, north):
    message = "You are not allowed to approve top-management roles of North plant."
    with pytest.raises(PermissionRefused, match=re.escape(message)):
        responsibility_create(by=owner, site=north, holders=[owner], top_management=True, **ROLE)
    plain = responsibility_create(by=owner, site=north, holders=[owner], **ROLE)
    with pytest.raises(PermissionRefused, match=re.escape(message)):
        responsibility_update(by=owner, responsibility=plain, version=1, top_management=True)
    top = responsibility_create(by=manager, site=north, holders=[manager], top_management=True, **ROLE)
    with pytest.raises(PermissionRefused, match=re.escape(message)):
        responsibility_update(by=owner, responsibility=top, version=1, holders=[owner])
    with pytest.raises(PermissionRefused, match=re.escape(message)):
        responsibility_archive(by=owner, responsibility=top, version=1)
    assert responsibility_update(by=manager, responsibility=top, version=1, holders=[owner]).version == 2


def test_links_versions_history_and_archive(manager, owner, north):
    washer = process_create(by=owner, sites=[north], name="Surface treatment", kind="core")
    role = responsibility_create(by=manager, site=north, holders=[owner], processes=[washer], **ROLE)
    unchanged = responsibility_update(
        by=manager,
        responsibility=role,
        version=1,
        holders=[owner],
        processes=[washer],
        deputy=None,
        title=ROLE["title"],
    )
    assert unchanged.version == 1
    moved = responsibility_update(by=manager, responsibility=role, version=1, holders=[manager], processes=[])
    assert moved.version == 2
    assert list(moved.holders.all()) == [manager]
    assert not moved.processes.exists()
    entry = AuditEntry.objects.filter(record_type="responsibilities.responsibility", action="update").first()
    assert entry is not None
    assert entry.changes == {"holders": ["owner", "manager"], "processes": ["PRC-01", "none"]}
    stale = Responsibility.objects.get(pk=role.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        responsibility_update(by=manager, responsibility=stale, version=1, title="Coordinator")
    assert errors(responsibility_update, by=manager, responsibility=role, version=2, reference="RES-9") == {
        "reference": ["This field cannot be changed here."]
    }
    archived = responsibility_archive(by=manager, responsibility=role, version=2)
    assert archived.archived_at is not None
    with pytest.raises(WorkflowError, match=re.escape("RES-001 is archived; restore it before changing it.")):
        responsibility_update(by=manager, responsibility=role, version=3, title="x")
    with pytest.raises(WorkflowError, match=re.escape("RES-001 is already archived.")):
        responsibility_archive(by=manager, responsibility=role, version=3)
    assert not selectors.responsibility_list(manager).exists()
    assert list(selectors.responsibility_list(manager, archived=True)) == [role]


def test_list_filters(manager, owner, north):
    top = responsibility_create(by=manager, site=None, holders=[manager], top_management=True, **ROLE)
    ims = responsibility_create(
        by=manager, site=north, title="IMS manager", responsibilities="Reports.", duties=["reporting"], holders=[owner]
    )
    late = responsibility_create(
        by=manager, site=north, title="Buyer", responsibilities="Buys.", review_date=dt.date(2000, 1, 1)
    )
    assert list(selectors.responsibility_list(manager, duty="reporting")) == [ims]
    assert list(selectors.responsibility_list(manager, top_management=True)) == [top]
    assert list(selectors.responsibility_list(manager, holder_id=owner.pk)) == [ims]
    assert list(selectors.responsibility_list(manager, org_wide=True)) == [top]
    assert list(selectors.responsibility_list(manager, overdue=True)) == [late]
    assert list(selectors.responsibility_list(manager, q="buys")) == [late]
    assert list(selectors.responsibility_list(manager, sort="-title")) == [ims, top, late]
    assert errors(selectors.responsibility_list, user=manager, duty="boss") == {
        "duty": ["Filter by one of: conformity, reporting, process_outputs, customer_focus, integrity_changes."]
    }


def test_top_management_selectors(manager, owner, auditor, make_user, north, south):
    gone = make_user("gone")
    board = responsibility_create(by=manager, site=None, holders=[manager, gone], top_management=True, **ROLE)
    responsibility_create(by=manager, site=north, holders=[owner], top_management=True, **ROLE)
    responsibility_create(by=manager, site=None, holders=[auditor], **ROLE)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert list(top_management_for(None)) == [manager]
    assert list(top_management_for(north)) == [manager, owner]
    assert list(top_management_for(south)) == [manager]
    assert is_top_management(manager, None)
    assert is_top_management(manager, south)
    assert is_top_management(owner, north)
    assert not is_top_management(owner, None)
    assert not is_top_management(owner, south)
    assert not is_top_management(auditor, north)
    assert not is_top_management(gone, None)
    assert [r.pk for r in responsibilities_of(manager)] == [board.pk]
    responsibility_archive(by=manager, responsibility=board, version=1)
    assert not top_management_for(None).exists()
    assert not is_top_management(manager, north)
    assert not responsibilities_of(manager).exists()
    assert [r.reference for r in responsibilities_of(auditor)] == ["RES-003"]


def full_set(by, holder) -> None:
    responsibility_create(
        by=by, site=None, title="Managing director", responsibilities="Leads.", top_management=True, holders=[holder]
    )
    responsibility_create(
        by=by,
        site=None,
        title="IMS manager",
        responsibilities="Runs the system.",
        duties=["conformity", "reporting", "integrity_changes", "process_outputs", "customer_focus"],
        holders=[holder],
    )


def test_check_no_data_then_failures_then_pass(manager, auditor):
    assert responsibilities_assigned(NOW).status == Status.NO_DATA
    assert (
        responsibilities_assigned(NOW).explanation == "No data yet: no role, responsibility or authority is recorded."
    )
    vacant_top = responsibility_create(
        by=manager, site=None, title="Managing director", responsibilities="Leads.", top_management=True
    )
    result = responsibilities_assigned(NOW)
    assert result.status == Status.FAIL
    assert result.explanation.startswith("No active top-management role has an active holder. ")
    assert (
        "Nobody is assigned to report on the performance of the management system to top management (ISO 14001 5.3)."
        in result.explanation
    )
    assert (
        "Nobody is assigned to promote customer focus throughout the organisation (ISO 9001 5.3)." in result.explanation
    )
    responsibility_update(by=manager, responsibility=vacant_top, version=1, holders=[manager])
    responsibility_create(
        by=manager,
        site=None,
        title="IMS manager",
        responsibilities="Runs the system.",
        standards=["iso9001"],
        duties=["conformity", "reporting", "integrity_changes", "process_outputs", "customer_focus"],
        holders=[auditor],
    )
    result = responsibilities_assigned(NOW)
    assert result.status == Status.FAIL
    assert result.explanation == (
        "Nobody is assigned to ensure the management system conforms to the standard (ISO 14001 5.3). "
        "Nobody is assigned to report on the performance of the management system to top management (ISO 14001 5.3)."
    )


def test_check_passes_with_evidence_and_follows_the_scope(manager, auditor, make_user):
    full_set(manager, auditor)
    result = responsibilities_assigned(NOW)
    assert result.status == Status.PASS
    assert result.explanation == "2 roles recorded; top management is named and every duty of 5.3 has a holder."
    ids = list(Responsibility.objects.order_by("reference").values_list("pk", flat=True))
    assert result.evidence == tuple(f"responsibilities.responsibility:{pk}" for pk in ids)
    auditor.is_active = False
    auditor.save(update_fields=["is_active"])
    assert responsibilities_assigned(NOW).status == Status.FAIL  # nobody active holds the roles any more


def test_check_asks_only_for_the_standards_in_scope(manager, auditor):
    responsibility_create(
        by=manager, site=None, title="Director", responsibilities="Leads.", top_management=True, holders=[auditor]
    )
    responsibility_create(
        by=manager,
        site=None,
        title="Quality manager",
        responsibilities="Runs the QMS.",
        standards=["iso9001"],
        duties=list(Duty.values),
        holders=[auditor],
    )
    assert responsibilities_assigned(NOW).status == Status.FAIL
    ScopeStatement.objects.create(standard="iso9001", in_scope=True, statement="Machining.")
    ScopeStatement.objects.create(standard="iso14001", in_scope=False, statement="")
    assert responsibilities_assigned(NOW).status == Status.PASS


def test_the_check_and_the_evidence_type_are_registered(manager, outsider, north):
    assert {(c.standard, c.number) for c in REGISTRY["responsibilities"].clauses} == {
        ("iso9001", "5.3"),
        ("iso14001", "5.3"),
    }
    role = responsibility_create(by=manager, site=north, **ROLE)
    assert resolve(manager, "responsibilities.responsibility", str(role.pk)) == role
    with pytest.raises(ValidationFailed, match="No role with id"):
        resolve(outsider, "responsibilities.responsibility", str(role.pk))


def test_evidence_links_to_the_role_page(manager, north):
    from ims.readiness.evidence import url_for

    role = responsibility_create(by=manager, site=north, **ROLE)
    assert url_for(manager, "responsibilities.responsibility", str(role.pk)) == f"/responsibilities/{role.pk}/"
