"""The demo step creates objectives for both standards that pass the 6.2 check."""

from __future__ import annotations

from django.utils import timezone

from ims.demo.loader import load_demo
from ims.objectives.checks import objectives_measurable
from ims.objectives.demo import step_objectives
from ims.objectives.models import Objective
from ims.objectives.progress import Status
from ims.readiness.checks import Status as CheckStatus


def test_the_demo_step(db):
    ctx = load_demo()
    if not Objective.objects.exists():  # until the loader runs the step itself
        step_objectives(ctx)
    assert Objective.objects.count() == 7
    assert objectives_measurable(timezone.now()).status == CheckStatus.PASS
    statuses = {o.assess(timezone.localdate())[2] for o in Objective.objects.all()}
    assert Status.ON_TRACK in statuses
    assert Objective.objects.filter(latest_value__isnull=False).count() == 7
