"""The demo step names top management and assigns every 5.3 duty, so the check passes."""

from __future__ import annotations

from django.utils import timezone

from ims.demo import loader
from ims.readiness.checks import Status
from ims.responsibilities.checks import responsibilities_assigned
from ims.responsibilities.models import Responsibility
from ims.responsibilities.selectors import is_top_management, top_management_for


def test_the_demo_step(db):
    admin, _ = loader._bootstrap_admin()
    ctx = loader.DemoContext(admin=admin)
    for step in loader.STEPS:  # the steps this one builds on, then this one
        step(ctx)
        if step is loader.step_responsibilities:
            break
    assert Responsibility.objects.count() == 10
    assert set(Responsibility.objects.exclude(site=None).values_list("site__code", flat=True)) == {"LYO", "BRQ"}
    assert {u.username for u in top_management_for(None)} == {"admin", "marie.dubois"}
    for site in ctx.sites.values():
        assert is_top_management(ctx.users["marie.dubois"], site)
    assert not is_top_management(ctx.users["tomas.novak"], ctx.sites["BRQ"])
    marie = Responsibility.objects.get(title="IMS manager")
    assert marie.duties == ["conformity", "reporting", "integrity_changes"]
    assert [p.reference for p in marie.processes.all()] == ["PRC-01", "PRC-02", "PRC-12"]
    assert all(r.holders.exists() for r in Responsibility.objects.all())
    result = responsibilities_assigned(timezone.now())
    assert result.status == Status.PASS, result.explanation
    assert len(result.evidence) == 10
