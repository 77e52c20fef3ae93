"""Objectives: the progress rule with fixed dates, permissions, versions, progress entries, the 6.2 check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ims.audit.models import AuditEntry
from ims.core.errors import ConflictError, PermissionRefused, ValidationFailed, WorkflowError
from ims.objectives import selectors
from ims.objectives.checks import objectives_measurable
from ims.objectives.models import Objective
from ims.objectives.progress import Status, assess, elapsed_percent, progress_percent, status
from ims.objectives.services import objective_archive, objective_create, objective_update, progress_add
from ims.org.models import ScopeStatement
from ims.readiness.checks import Status as CheckStatus

START, DEADLINE = dt.date(2025, 1, 1), dt.date(2025, 12, 31)  # 364 days


def objective_fields(**overrides):
    today = timezone.localdate()
    fields = {
        "title": "Reduce scrap rate",
        "standards": ["iso9001"],
        "baseline_value": Decimal("4.0"),
        "baseline_date": today - dt.timedelta(days=100),
        "target_value": Decimal("2.0"),
        "unit": "%",
        "direction": "decrease",
        "deadline": today + dt.timedelta(days=265),
        "plan_what": "SPC on the five worst part numbers.",
    }
    fields.update(overrides)
    return fields


def test_progress_percent():
    assert progress_percent(Decimal(4), Decimal(2), Decimal("3.5")) == Decimal("25.0")  # decrease
    assert progress_percent(Decimal(80), Decimal(95), Decimal(89)) == Decimal("60.0")  # increase
    assert progress_percent(Decimal(4), Decimal(2), Decimal(5)) == Decimal("0.0")  # worse than baseline
    assert progress_percent(Decimal(4), Decimal(2), Decimal("1.5")) == Decimal("100.0")  # beyond the target
    assert progress_percent(Decimal(4), Decimal(2), None) == Decimal(0)


def test_elapsed_percent_with_fixed_dates():
    assert elapsed_percent(START, DEADLINE, dt.date(2024, 6, 1)) == Decimal("0.0")
    assert elapsed_percent(START, DEADLINE, dt.date(2025, 7, 2)) == Decimal("50.0")  # day 182 of 364
    assert elapsed_percent(START, DEADLINE, dt.date(2026, 3, 1)) == Decimal("100.0")


@pytest.mark.parametrize(
    ("value", "today", "expected"),
    [
        (Decimal("3.0"), dt.date(2025, 7, 2), Status.ON_TRACK),  # 50 % done, 50 % elapsed
        (Decimal("3.2"), dt.date(2025, 7, 2), Status.ON_TRACK),  # 40 % vs 50 %: exactly 10 points behind
        (Decimal("3.3"), dt.date(2025, 7, 2), Status.AT_RISK),  # 35 % vs 50 %
        (Decimal("3.5"), dt.date(2025, 7, 2), Status.AT_RISK),  # 25 % vs 50 %: exactly 25 points behind
        (Decimal("3.6"), dt.date(2025, 7, 2), Status.OFF_TRACK),  # 20 % vs 50 %
        (Decimal("2.0"), dt.date(2025, 3, 1), Status.ACHIEVED),
        (None, dt.date(2025, 1, 20), Status.ON_TRACK),  # nothing measured yet, 5.2 % elapsed
        (Decimal("2.5"), dt.date(2026, 1, 15), Status.AT_RISK),  # 75 % at the deadline
    ],
)
def test_status_with_fixed_dates(value, today, expected):
    progress, elapsed, result = assess(
        baseline=Decimal(4), target=Decimal(2), value=value, start=START, deadline=DEADLINE, today=today
    )
    assert result == expected, (progress, elapsed)


def test_status_thresholds():
    assert status(Decimal(100), Decimal(10)) == Status.ACHIEVED
    assert status(Decimal(0), Decimal(10)) == Status.ON_TRACK
    assert status(Decimal("64.9"), Decimal(90)) == Status.OFF_TRACK


def test_create_numbers_validates_and_audits(owner, north):
    first = objective_create(by=owner, site=north, **objective_fields())
    assert first.reference == "OBJ-001"
    with pytest.raises(ValidationFailed) as exc:
        objective_create(by=owner, site=north, **objective_fields(target_value=Decimal(5)))
    assert exc.value.errors == {"target_value": ["To decrease, the target must be below the baseline."]}
    with pytest.raises(ValidationFailed) as exc:
        objective_create(by=owner, site=north, **objective_fields(unit="bananas"))
    assert exc.value.errors == {"unit": ["“bananas” is not a unit: “bananas” is unknown."]}
    with pytest.raises(ValidationFailed) as exc:
        objective_create(by=owner, site=north, **objective_fields(standards=[]))
    assert exc.value.errors == {"standards": ["This field cannot be blank."]}
    with pytest.raises(ValidationFailed) as exc:
        objective_create(by=owner, site=north, **objective_fields(deadline=timezone.localdate() - dt.timedelta(200)))
    assert exc.value.errors == {"deadline": ["The deadline must come after the baseline date."]}
    assert AuditEntry.objects.filter(record_type="objectives.objective", action="create").count() == 1


def test_permissions(owner, manager, viewer, outsider, north):
    with pytest.raises(PermissionRefused, match="whole organisation"):
        objective_create(by=owner, site=None, **objective_fields())
    with pytest.raises(PermissionRefused):
        objective_create(by=viewer, site=north, **objective_fields())
    with pytest.raises(PermissionRefused):
        objective_create(by=outsider, site=north, **objective_fields())
    mine = objective_create(by=owner, site=north, **objective_fields())
    org_wide = objective_create(by=manager, site=None, **objective_fields(title="CO2e"))
    with pytest.raises(PermissionRefused):
        objective_update(by=owner, objective=org_wide, version=1, title="x")
    with pytest.raises(PermissionRefused):
        progress_add(by=viewer, objective=mine, value=Decimal(3))
    assert list(selectors.objective_list(outsider)) == [org_wide]
    assert list(selectors.objective_list(viewer)) == [mine, org_wide]


def test_versions_progress_and_archive(owner, north):
    objective = objective_create(by=owner, site=north, **objective_fields())
    objective_update(by=owner, objective=objective, version=1, target_value=Decimal("2.5"))
    stale = Objective.objects.get(pk=objective.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        objective_update(by=owner, objective=stale, version=1, title="x")
    with pytest.raises(ValidationFailed):
        objective_update(by=owner, objective=objective, version=2, latest_value=Decimal(1))
    today = timezone.localdate()
    progress_add(by=owner, objective=objective, value=Decimal("3.4"), date=today - dt.timedelta(days=30))
    progress_add(by=owner, objective=objective, value=Decimal("3.6"), date=today - dt.timedelta(days=60))
    objective.refresh_from_db()
    assert (objective.latest_value, objective.latest_on) == (Decimal("3.4"), today - dt.timedelta(days=30))
    progress, _elapsed, state = objective.assess(today)
    assert progress == Decimal("40.0")
    assert state == Status.ON_TRACK  # 100 of 365 days: 27.4 % elapsed
    with pytest.raises(ValidationFailed):
        progress_add(by=owner, objective=objective, value=Decimal(3), date=today + dt.timedelta(days=1))
    assert AuditEntry.objects.filter(record_id=str(objective.pk), action="progress").count() == 2
    archived = objective_archive(by=owner, objective=objective, version=2)
    with pytest.raises(WorkflowError):
        progress_add(by=owner, objective=archived, value=Decimal(3))


def test_the_check(owner, north):
    now = timezone.now()
    assert objectives_measurable(now).status == CheckStatus.NO_DATA
    objective_create(by=owner, site=north, **objective_fields())
    result = objectives_measurable(now)
    assert (result.status, result.explanation) == (
        CheckStatus.FAIL,
        "No current objective with a measurable target for ISO 14001 (current: not archived and deadline not past).",
    )
    ScopeStatement.objects.create(standard="iso9001", in_scope=True, statement="Machining")
    ScopeStatement.objects.create(standard="iso14001", in_scope=False, statement="")
    assert objectives_measurable(now).status == CheckStatus.PASS
    ScopeStatement.objects.filter(standard="iso14001").update(in_scope=True)
    assert objectives_measurable(now).status == CheckStatus.FAIL
    past = objective_create(
        by=owner,
        site=north,
        **objective_fields(
            title="Energy", standards=["iso14001"], baseline_date=dt.date(2023, 1, 1), deadline=dt.date(2024, 1, 1)
        ),
    )
    assert objectives_measurable(now).status == CheckStatus.FAIL  # its deadline is past
    objective_update(by=owner, objective=past, version=1, deadline=timezone.localdate() + dt.timedelta(days=30))
    assert objectives_measurable(now).status == CheckStatus.PASS
