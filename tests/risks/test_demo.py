"""The demo step creates a realistic risks register that passes the 6.1 check."""

from __future__ import annotations

from django.utils import timezone

from ims.demo.loader import load_demo
from ims.readiness.checks import Status
from ims.risks.checks import risks_treated
from ims.risks.demo import step_risks
from ims.risks.models import Kind, Risk, Treatment


def test_the_demo_step(db):
    ctx = load_demo()
    if not Risk.objects.exists():  # until the loader runs the step itself
        step_risks(ctx)
    assert Risk.objects.count() == 15
    assert Risk.objects.filter(kind=Kind.OPPORTUNITY).count() == 4
    assert Risk.objects.filter(site__isnull=True).exists()
    assert Treatment.objects.filter(status="done").exists()
    assert risks_treated(timezone.now()).status == Status.PASS
