"""Readiness 9001 9.1.2: customer satisfaction measured in the last 12 months."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ims.feedback import services
from ims.feedback.checks import customer_satisfaction
from ims.readiness.checks import REGISTRY, Status
from tests.feedback.conftest import answer


def test_it_is_registered_for_9001_clause_9_1_2():
    check = REGISTRY["customer_satisfaction"]
    assert [(c.standard, c.number) for c in check.clauses] == [("iso9001", "9.1.2")]


def test_no_data_then_failed_then_passed(db, manager, customer, survey):
    now = timezone.now()
    assert customer_satisfaction(now).status == Status.NO_DATA
    services.complaint_create(
        by=manager, customer=customer, received_on=timezone.localdate(), description="Burrs on brackets."
    )
    failed = customer_satisfaction(now)
    assert failed.status == Status.FAIL
    assert failed.explanation == (
        "No customer satisfaction survey result in the last 12 months (none is recorded); 1 complaint recorded. "
        "Measure satisfaction at least once a year."
    )
    old = timezone.localdate() - dt.timedelta(days=400)
    answer(manager, survey, customer, old, quality=4)
    assert customer_satisfaction(now).status == Status.FAIL
    recent = timezone.localdate() - dt.timedelta(days=30)
    answer(manager, survey, customer, recent, quality=5, recommend=10)
    passed = customer_satisfaction(now)
    assert passed.status == Status.PASS
    assert passed.explanation == (
        "1 survey response from 1 customer in the last 12 months "
        f"(1 survey, the latest answered on {recent:%Y-%m-%d}); "
        "1 complaint received in the same period."
    )
    assert passed.evidence == (f"feedback.survey:{survey.pk}",)
