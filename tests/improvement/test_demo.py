"""The demo's improvement step: recent events across types and steps, two years of history, costs and CO2e."""

from __future__ import annotations

from django.utils import timezone

from ims.demo import loader
from ims.improvement.checks import corrective_actions, nonconforming_outputs
from ims.improvement.demo import step_improvement
from ims.improvement.models import Event, EventStatus
from ims.improvement.selectors import warnings_for
from ims.readiness.checks import Status


def test_the_demo_step_builds_the_register(db):
    admin, password = loader._bootstrap_admin()
    ctx = loader.DemoContext(admin=admin)
    ctx.credentials.append(("admin", "Administrator (all sites)", password))
    steps = (loader.step_organisation, loader.step_users, loader.step_processes, loader.step_obligations)
    for step in (*steps, loader.step_monitoring):
        step(ctx)
    step_improvement(ctx)
    assert Event.objects.count() == 133
    statuses = set(Event.objects.values_list("status", flat=True))
    assert statuses == set(EventStatus.values)
    closed = Event.objects.filter(status=EventStatus.CLOSED)
    assert closed.count() > 80
    assert all(e.closure_signature is not None for e in closed)
    assert all(e.closed_at > e.created_at for e in closed)
    burrs = Event.objects.get(title__startswith="Burrs again")
    assert list(burrs.recurrences.values_list("title", flat=True)) == [
        "Burrs on hydraulic manifold bores, 240 parts of order 7710."
    ]
    nickel = Event.objects.get(title__startswith="Nickel")
    assert nickel.source_type == "obligations.obligation"
    leak = Event.objects.get(title__startswith="Chiller CH-2 low on charge")
    assert (leak.status, leak.source_type) == (EventStatus.CLOSED, "monitoring.series")
    assert leak.reference.startswith(f"NC-{timezone.localtime(leak.occurred_at).year}-")
    training = Event.objects.get(cause_category__code="training", title__startswith="Internal audit: no training")
    assert warnings_for(training)
    assert corrective_actions(timezone.now()).status == Status.PASS
    assert nonconforming_outputs(timezone.now()).status == Status.PASS
