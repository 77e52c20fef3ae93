"""The demo step creates a realistic context that passes both readiness checks."""

from __future__ import annotations

from django.utils import timezone

from ims.context.checks import context_issues, interested_parties
from ims.context.demo import step_context
from ims.context.models import InterestedParty, Issue
from ims.demo.loader import load_demo
from ims.readiness.checks import Status


def test_the_demo_step(db):
    ctx = load_demo()
    if not Issue.objects.exists():  # until the loader runs the step itself
        step_context(ctx)
    assert Issue.objects.count() == 12
    assert InterestedParty.objects.count() == 10
    assert Issue.objects.filter(site__isnull=True).exists()
    assert context_issues(timezone.now()).status == Status.PASS
    assert interested_parties(timezone.now()).status == Status.PASS
