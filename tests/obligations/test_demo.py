"""The demo's obligations step: realistic, evaluated within their periods, so 9.1.2 passes."""

from __future__ import annotations

from django.utils import timezone

from ims.demo.loader import load_demo
from ims.obligations.checks import obligations_evaluated
from ims.obligations.demo import step_obligations
from ims.obligations.models import Obligation, Permit
from ims.readiness.checks import Status


def test_the_demo_step_builds_a_register_that_passes_9_1_2(db):
    ctx = load_demo()
    step_obligations(ctx)
    assert Obligation.objects.count() >= 25
    assert Permit.objects.filter(unit="mg/L").exists()
    result = obligations_evaluated(timezone.now())
    assert result.status == Status.PASS, result.explanation
