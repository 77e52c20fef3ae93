"""Obligations: due dates with fixed dates, evaluations kept, units checked, permissions, the 9.1.2 check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ims.audit.models import AuditEntry
from ims.core.errors import ConflictError, PermissionRefused, ValidationFailed, WorkflowError
from ims.obligations.checks import obligations_evaluated
from ims.obligations.models import Evaluation, Obligation
from ims.obligations.selectors import obligation_list, obligations_visible_to
from ims.obligations.services import (
    add_months,
    obligation_archive,
    obligation_create,
    obligation_evaluate,
    obligation_update,
    permit_add,
)
from ims.readiness.checks import Status

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 3, 31), 6, D(2026, 9, 30)),
        (D(2026, 11, 15), 3, D(2027, 2, 15)),
        (D(2026, 12, 31), 12, D(2027, 12, 31)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2026, 5, 10), 60, D(2031, 5, 10)),
    ],
)
def test_months_are_added_clamping_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.fixture
def obligation(owner, north):
    return obligation_create(
        by=owner,
        sites=[north],
        title="Discharge permit of the anodising line",
        kind="permit",
        jurisdiction="FR",
        evaluation_frequency_months=1,
        today=D(2026, 1, 10),
    )


def test_references_in_order_and_first_evaluation_due_on_registration(obligation, owner, north):
    assert obligation.reference == "OBL-001"
    assert obligation.next_evaluation_due == D(2026, 1, 10)
    assert obligation_create(by=owner, sites=[north], title="Waste duties").reference == "OBL-002"


def test_evaluation_sets_the_next_due_date_and_is_audited(obligation, owner):
    obligation_evaluate(
        by=owner, obligation=obligation, evaluated_on=D(2026, 1, 31), result="compliant", evidence="Lab report 12"
    )
    obligation.refresh_from_db()
    assert obligation.next_evaluation_due == D(2026, 2, 28)
    assert obligation.last_result == "compliant"
    entry = AuditEntry.objects.filter(action="evaluate", record_id=str(obligation.pk)).get()
    assert entry.changes["next_evaluation_due"] == ["2026-01-10", "2026-02-28"]
    assert entry.site_id == obligation.sites.get().pk
    obligation_update(by=owner, record=obligation, version=obligation.version, evaluation_frequency_months=12)
    obligation.refresh_from_db()
    assert obligation.next_evaluation_due == D(2027, 1, 31), "a new frequency counts from the last evaluation"


def test_overdue_is_a_due_date_before_today(obligation, owner):
    obligation_evaluate(by=owner, obligation=obligation, evaluated_on=D(2026, 1, 31), result="compliant")
    obligation.refresh_from_db()
    assert not obligation.overdue(D(2026, 2, 28))
    assert obligation.overdue(D(2026, 3, 1))
    assert list(obligation_list(owner, overdue=True, today=D(2026, 3, 1))) == [obligation]
    assert list(obligation_list(owner, overdue=True, today=D(2026, 2, 28))) == []
    assert list(obligation_list(owner, overdue=False, today=D(2026, 2, 28))) == [obligation]


def test_a_non_compliance_needs_a_corrective_action(obligation, owner):
    with pytest.raises(ValidationFailed) as exc:
        obligation_evaluate(by=owner, obligation=obligation, evaluated_on=D(2026, 1, 20), result="non_compliant")
    assert exc.value.errors == {
        "corrective_action": ["A non-compliance needs a corrective action: say what will be done."]
    }
    assert not Evaluation.objects.exists()
    obligation_evaluate(
        by=owner,
        obligation=obligation,
        evaluated_on=D(2026, 1, 20),
        result="non_compliant",
        corrective_action="Replace the pH probe; re-sample within a week.",
    )
    assert Obligation.objects.get().last_result == "non_compliant"


def test_a_future_evaluation_date_is_refused(obligation, owner):
    with pytest.raises(ValidationFailed) as exc:
        obligation_evaluate(
            by=owner, obligation=obligation, evaluated_on=D(2026, 2, 1), result="compliant", today=D(2026, 1, 31)
        )
    assert exc.value.errors == {"evaluated_on": ["An evaluation cannot be dated in the future."]}


def test_permit_limits_take_units_pint_understands(obligation, owner):
    permit = permit_add(
        by=owner, obligation=obligation, parameter="COD in effluent", limit_value=Decimal("125"), unit="mg/L"
    )
    assert str(permit) == "COD in effluent ≤ 125 mg/L"
    with pytest.raises(ValidationFailed) as exc:
        permit_add(
            by=owner, obligation=obligation, parameter="Speed", limit_value=Decimal(1), unit="furlongs per bogus"
        )
    assert exc.value.errors == {"unit": ["“furlongs per bogus” is not a unit: “bogus” is unknown."]}


def test_only_permits_carry_limits(owner, north):
    law = obligation_create(by=owner, sites=[north], title="Waste law", kind="law")
    with pytest.raises(WorkflowError):
        permit_add(by=owner, obligation=law, parameter="COD", limit_value=Decimal(1), unit="mg/L")


def test_expiry_state_of_a_permit(obligation, owner):
    permit = permit_add(
        by=owner, obligation=obligation, parameter="pH", limit_value=Decimal("9.5"), unit="dimensionless",
        expires_on=D(2026, 6, 30),
    )  # fmt: skip
    assert permit.expiry_state(D(2026, 1, 1)) == ""
    assert permit.expiry_state(D(2026, 4, 1)) == "expiring"
    assert permit.expiry_state(D(2026, 7, 1)) == "expired"


def test_outsiders_and_viewers_are_refused(obligation, outsider, viewer, owner, north, south):
    with pytest.raises(PermissionRefused):
        obligation_evaluate(by=outsider, obligation=obligation, evaluated_on=D(2026, 1, 20), result="compliant")
    with pytest.raises(PermissionRefused):
        obligation_update(by=viewer, record=obligation, version=1, title="x")
    with pytest.raises(PermissionRefused):
        obligation_create(by=outsider, sites=[north], title="x")
    with pytest.raises(PermissionRefused) as exc:
        obligation_create(by=owner, sites=[north, south], title="Both plants")
    assert exc.value.detail == "You are not allowed to create obligations of S."
    with pytest.raises(PermissionRefused) as exc:
        obligation_create(by=owner, sites=[], title="Everywhere")
    assert exc.value.detail == "You are not allowed to create obligations that apply to all sites."


def test_visibility_by_site_in_sql(obligation, owner, outsider, viewer, manager, south, django_assert_num_queries):
    everywhere = obligation_create(by=manager, sites=[], title="REACH")
    southern = obligation_create(by=manager, sites=[south], title="Spanish water law")
    assert set(obligations_visible_to(outsider)) == {everywhere, southern}
    assert set(obligations_visible_to(viewer)) == {everywhere, obligation}
    assert set(obligations_visible_to(manager)) == {everywhere, obligation, southern}
    with django_assert_num_queries(1):
        list(Obligation.objects.filter(pk__in=obligations_visible_to(owner).values("pk")))


def test_a_stale_version_is_a_conflict(obligation, owner):
    obligation_update(by=owner, record=obligation, version=1, title="Discharge permit (2026)")
    stale = Obligation.objects.get()
    stale.version = 1
    with pytest.raises(ConflictError):
        obligation_update(by=owner, record=stale, version=1, title="Something else")


def test_sites_change_is_audited_and_needs_rights_in_the_new_sites(obligation, owner, manager, north, south):
    with pytest.raises(PermissionRefused):
        obligation_update(by=owner, record=obligation, version=1, sites=[north, south])
    obligation_update(by=manager, record=obligation, version=1, sites=[north, south])
    obligation.refresh_from_db()
    assert obligation.version == 2
    entry = AuditEntry.objects.filter(record_id=str(obligation.pk), changes__has_key="sites").get()
    assert entry.changes == {"sites": ["N", "N, S"]}


def test_an_archived_obligation_is_neither_changed_nor_evaluated(obligation, owner):
    obligation_archive(by=owner, obligation=obligation, version=1)
    with pytest.raises(WorkflowError):
        obligation_evaluate(by=owner, obligation=obligation, evaluated_on=D(2026, 1, 20), result="compliant")
    with pytest.raises(WorkflowError):
        obligation_update(by=owner, record=obligation, version=obligation.version, title="x")


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12))


def test_the_9_1_2_check_on_real_data(obligation, owner):
    obligation_evaluate(by=owner, obligation=obligation, evaluated_on=D(2026, 1, 31), result="compliant")
    assert obligations_evaluated(_at(D(2026, 2, 28))).status == Status.PASS
    late = obligations_evaluated(_at(D(2026, 3, 1)))
    assert late.status == Status.FAIL
    assert late.explanation == "1 of 1 obligations are overdue for their evaluation of compliance."
    obligation_evaluate(
        by=owner,
        obligation=obligation,
        evaluated_on=D(2026, 2, 20),
        result="non_compliant",
        corrective_action="Fix it.",
        today=D(2026, 2, 20),
    )
    result = obligations_evaluated(_at(D(2026, 2, 21)))
    assert result.status == Status.FAIL
    assert result.explanation == "1 of 1 obligations were found non-compliant at their last evaluation."


def test_the_check_reports_no_data_for_an_empty_register(db):
    assert obligations_evaluated(timezone.now()).status == Status.NO_DATA
