"""Aspects: significance scored with exact figures, evaluations kept, the 6.1.2 check on real data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ims.aspects import significance
from ims.aspects.checks import aspects_evaluated
from ims.aspects.models import Aspect, Evaluation
from ims.aspects.services import aspect_archive, aspect_create, aspect_evaluate, aspect_update, method_save
from ims.audit.models import AuditEntry
from ims.core.errors import PermissionRefused, ValidationFailed, WorkflowError
from ims.readiness.checks import Status

C, T = significance.DEFAULT_CRITERIA, significance.DEFAULT_THRESHOLD
LOW = {"severity": 2, "frequency": 2, "scale": 2, "legal": 1, "stakeholders": 1}


@pytest.mark.parametrize(
    ("scores", "total", "significant", "reason"),
    [
        (LOW, 9, False, "Not significant: total 9 is below the threshold 13."),
        ({**LOW, "severity": 4, "frequency": 3}, 14, True, "Significant: total 14 reaches the threshold 13."),
        ({**LOW, "severity": 4, "frequency": 2}, 13, True, "Significant: total 13 reaches the threshold 13."),
        ({**LOW, "legal": 2}, 9, True, "Significant: legal requirement applies (1 no, 2 yes)."),
    ],
)
def test_significance_is_the_weighted_total_against_the_threshold_or_a_legal_requirement(
    scores, total, significant, reason
):
    outcome = significance.evaluate(C, T, scores)
    assert (outcome.total, outcome.significant, outcome.reason) == (total, significant, reason)


def test_every_criterion_must_be_scored_within_its_scale():
    with pytest.raises(ValidationFailed) as exc:
        significance.evaluate(C, T, {**LOW, "severity": 6, "scale": 0, "colour": 3})
    assert exc.value.errors == {
        "severity": ["Score severity of the impact from 1 to 5."],
        "scale": ["Score scale (how far it reaches) from 1 to 5."],
        "colour": ["Not a criterion of the current method."],
    }
    with pytest.raises(ValidationFailed) as exc:
        significance.evaluate(C, T, {k: v for k, v in LOW.items() if k != "legal"})
    assert list(exc.value.errors) == ["legal"]


@pytest.fixture
def aspect(owner, north):
    return aspect_create(
        by=owner,
        site=north,
        activity="Degreasing of parts",
        aspect="Solvent vapour",
        impact="Air pollution (VOC)",
        condition="normal",
    )


def test_references_are_given_in_order(aspect, owner, north):
    assert aspect.reference == "ASP-001"
    second = aspect_create(by=owner, site=north, activity="Painting", aspect="Paint sludge", impact="Hazardous waste")
    assert second.reference == "ASP-002"


def test_evaluation_flags_the_aspect_and_is_kept_with_the_method_version(aspect, owner):
    evaluation = aspect_evaluate(by=owner, aspect=aspect, scores={**LOW, "severity": 5, "frequency": 4})
    aspect.refresh_from_db()
    assert aspect.significant is True
    assert aspect.score == 17
    assert evaluation.method.version == 1
    assert Evaluation.objects.filter(aspect=aspect).count() == 1
    entry = AuditEntry.objects.filter(action="evaluate", record_id=str(aspect.pk)).get()
    assert entry.changes == {"significant": [None, True], "score": [None, 17]}


def test_a_new_method_version_applies_to_later_evaluations(aspect, owner, manager):
    aspect_evaluate(by=owner, aspect=aspect, scores=LOW)
    method_save(by=manager, criteria=C, threshold=9, description="Stricter after the 2026 review.")
    second = aspect_evaluate(by=owner, aspect=aspect, scores=LOW)
    assert second.method.version == 2
    assert second.significant is True
    assert Evaluation.objects.order_by("evaluated_at", "id").first().method.version == 1


def test_only_approvers_change_the_method(owner):
    with pytest.raises(PermissionRefused):
        method_save(by=owner, criteria=C, threshold=9)


def test_people_of_another_site_cannot_touch_the_aspect(aspect, outsider, viewer):
    with pytest.raises(PermissionRefused):
        aspect_evaluate(by=outsider, aspect=aspect, scores=LOW)
    with pytest.raises(PermissionRefused):
        aspect_update(by=viewer, record=aspect, version=1, controls="x")
    with pytest.raises(PermissionRefused):
        aspect_create(by=outsider, site=aspect.site, activity="a", aspect="b", impact="c")


def test_an_archived_aspect_is_neither_changed_nor_evaluated(aspect, owner):
    aspect_archive(by=owner, aspect=aspect, version=1)
    aspect.refresh_from_db()
    with pytest.raises(WorkflowError):
        aspect_evaluate(by=owner, aspect=aspect, scores=LOW)
    with pytest.raises(WorkflowError):
        aspect_update(by=owner, record=aspect, version=aspect.version, controls="x")


def test_the_6_1_2_check_on_real_data(aspect, owner):
    now = timezone.now()
    assert aspects_evaluated(now).status == Status.FAIL
    assert aspects_evaluated(now).explanation == "1 of 1 aspects have no significance evaluation in the last 12 months."
    aspect_evaluate(by=owner, aspect=aspect, scores={**LOW, "legal": 2}, at=now - dt.timedelta(days=30))
    result = aspects_evaluated(now)
    assert result.status == Status.FAIL
    assert result.explanation == "1 significant aspects have neither a control nor a reason for having none."
    aspect_update(by=owner, record=aspect, version=1, controls="Closed-loop degreaser, extraction filter.")
    assert aspects_evaluated(now).status == Status.PASS
    assert aspects_evaluated(now + dt.timedelta(days=340)).status == Status.FAIL, "a year later it is stale"


def test_the_check_reports_no_data_for_an_empty_register(db):
    result = aspects_evaluated(timezone.now())
    assert result.status == Status.NO_DATA
    assert not Aspect.objects.exists()
