"""Risks and opportunities: the rating rule, permissions (org-wide needs all sites), versions, treatments, check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ims.audit.models import AuditEntry
from ims.context.services import issue_create
from ims.core.errors import ConflictError, PermissionRefused, ValidationFailed, WorkflowError
from ims.readiness.checks import Status
from ims.readiness.evidence import resolve
from ims.risks import rating, selectors
from ims.risks.checks import risks_treated
from ims.risks.models import Risk, RiskMatrix
from ims.risks.services import (
    current_matrix,
    matrix_save,
    risk_archive,
    risk_create,
    risk_update,
    treatment_add,
    treatment_done,
)

RISK = {"title": "Loss of the main customer", "kind": "risk", "likelihood": 2, "consequence": 4}


@pytest.fixture
def risk(owner, north):
    return risk_create(by=owner, site=north, **RISK)


@pytest.mark.parametrize(
    ("likelihood", "consequence", "score", "band"),
    [
        (1, 1, 1, "low"),
        (2, 2, 4, "low"),
        (1, 5, 5, "medium"),
        (3, 3, 9, "medium"),
        (2, 5, 10, "high"),
        (3, 5, 15, "high"),
        (4, 4, 16, "critical"),
        (5, 5, 25, "critical"),
    ],
)
def test_default_matrix_bands(likelihood, consequence, score, band):
    assert rating.rate(likelihood, consequence, size=5, bands=rating.DEFAULT_BANDS) == rating.Rating(score, band)


def test_levels_outside_the_matrix_are_refused():
    with pytest.raises(ValidationFailed) as exc:
        rating.rate(0, 6, size=5, bands=rating.DEFAULT_BANDS)
    assert exc.value.errors == {
        "likelihood": ["Rate the likelihood from 1 to 5."],
        "consequence": ["Rate the consequence from 1 to 5."],
    }
    with pytest.raises(ValidationFailed, match="rising"):
        rating.check_matrix(
            3, ["a", "b", "c"], ["a", "b", "c"], [{"band": "low", "min": 1}, {"band": "high", "min": 1}]
        )


def test_create_rates_numbers_and_audits(owner, north):
    first = risk_create(by=owner, site=north, **RISK)
    second = risk_create(
        by=owner,
        site=north,
        **{**RISK, "likelihood": 4, "consequence": 5, "residual_likelihood": 2, "residual_consequence": 3},
    )
    assert (first.reference, second.reference) == ("RSK-001", "RSK-002")
    assert (first.inherent_score, first.inherent_band, first.residual_band) == (8, "medium", "")
    assert (second.inherent_score, second.inherent_band) == (20, "critical")
    assert (second.residual_score, second.residual_band, second.band) == (6, "medium", "medium")
    assert RiskMatrix.objects.get().version == 1  # the default, created on first use
    assert AuditEntry.objects.filter(record_type="risks.risk", action="create").count() == 2


def test_a_new_matrix_version_rates_later_changes(manager, owner, risk):
    with pytest.raises(PermissionRefused):
        matrix_save(
            by=owner,
            size=3,
            likelihood_labels=["L", "M", "H"],
            consequence_labels=["L", "M", "H"],
            bands=[{"band": "low", "min": 1}],
        )
    matrix = matrix_save(
        by=manager,
        size=3,
        likelihood_labels=["Low", "Medium", "High"],
        consequence_labels=["Low", "Medium", "High"],
        bands=[{"band": "low", "min": 1}, {"band": "medium", "min": 3}, {"band": "high", "min": 6}],
    )
    assert current_matrix() == matrix
    with pytest.raises(ValidationFailed, match="from 1 to 3"):
        risk_update(by=owner, risk=risk, version=1, likelihood=2, consequence=4)
    updated = risk_update(by=owner, risk=risk, version=1, likelihood=2, consequence=3)
    assert (updated.inherent_score, updated.inherent_band, updated.matrix_id) == (6, "high", matrix.pk)


def test_org_wide_needs_an_all_sites_role(owner, manager, viewer, outsider, north):
    with pytest.raises(PermissionRefused, match="whole organisation"):
        risk_create(by=owner, site=None, **RISK)
    org_wide = risk_create(by=manager, site=None, **RISK)
    with pytest.raises(PermissionRefused):
        risk_update(by=owner, risk=org_wide, version=1, title="x")
    for user in (owner, viewer, outsider):
        assert list(selectors.risk_list(user)) == [org_wide]


def test_outsider_and_viewer_are_refused(risk, outsider, viewer, north):
    with pytest.raises(PermissionRefused):
        risk_create(by=outsider, site=north, **RISK)
    with pytest.raises(PermissionRefused):
        risk_create(by=viewer, site=north, **RISK)
    with pytest.raises(PermissionRefused):
        risk_update(by=viewer, risk=risk, version=1, title="x")
    with pytest.raises(PermissionRefused):
        treatment_add(by=viewer, risk=risk, action="Diversify")
    assert not selectors.risk_list(outsider).exists()


def test_version_conflict_unknown_fields_and_archive(risk, owner):
    risk_update(by=owner, risk=risk, version=1, title="Loss of the main customer (tractors)")
    stale = Risk.objects.get(pk=risk.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        risk_update(by=owner, risk=stale, version=1, title="x")
    with pytest.raises(ValidationFailed):
        risk_update(by=owner, risk=risk, version=2, inherent_band="low")
    with pytest.raises(ValidationFailed):
        risk_update(by=owner, risk=risk, version=2, standards=[])
    archived = risk_archive(by=owner, risk=Risk.objects.get(pk=risk.pk), version=2)
    with pytest.raises(WorkflowError):
        risk_update(by=owner, risk=archived, version=3, title="x")


def test_the_source_must_be_a_record_the_person_may_see(owner, outsider, north, south):
    issue = issue_create(by=owner, site=north, title="Energy prices", category="economic", origin="external")
    linked = risk_create(
        by=owner,
        site=north,
        source_kind="issue",
        source_record_type="context.issue",
        source_record_id=str(issue.pk),
        **RISK,
    )
    assert resolve(owner, linked.source_record_type, linked.source_record_id) == issue
    with pytest.raises(ValidationFailed) as exc:
        risk_create(by=outsider, site=south, source_record_type="context.issue", source_record_id=str(issue.pk), **RISK)
    assert exc.value.errors == {
        "source_record_id": [f"No internal or external issue with id {issue.pk} that you may see."]
    }
    with pytest.raises(ValidationFailed) as exc:
        risk_create(by=owner, site=north, source_record_type="context.issue", **RISK)
    assert list(exc.value.errors) == ["source_record_type"]
    with pytest.raises(ValidationFailed) as exc:
        risk_create(by=owner, site=north, source_record_type="nope.thing", source_record_id="1", **RISK)
    assert list(exc.value.errors) == ["source_record_type"]


def test_treatments_and_the_check(risk, owner):
    now = timezone.now()
    assert risks_treated(now).status == Status.PASS  # a medium risk needs no treatment
    high = risk_create(
        by=owner, site=risk.site, **{**RISK, "title": "Press breakdown", "likelihood": 3, "consequence": 4}
    )
    result = risks_treated(now)
    assert (result.status, result.explanation) == (
        Status.FAIL,
        "1 high or critical risks have no treatment action: RSK-002.",
    )
    today = timezone.localdate()
    late = treatment_add(by=owner, risk=high, action="Spare spindle in stock", due_date=today - dt.timedelta(days=1))
    assert late.overdue(today)
    assert "overdue (RSK-002)" in risks_treated(now).explanation
    with pytest.raises(ValidationFailed):
        treatment_done(by=owner, treatment=late, done_on=today + dt.timedelta(days=1))
    treatment_done(by=owner, treatment=late)
    assert not late.overdue(today)
    assert risks_treated(now).status == Status.PASS
    with pytest.raises(WorkflowError):
        treatment_done(by=owner, treatment=late)
    assert AuditEntry.objects.filter(record_type="risks.risk", record_id=str(high.pk), action="treatment").count() == 2


def test_no_data_when_empty(db):
    assert risks_treated(timezone.now()).status == Status.NO_DATA
