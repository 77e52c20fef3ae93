"""The demo steps create a process map and planned changes that pass their readiness checks."""

from __future__ import annotations

from django.utils import timezone

from ims.changes.checks import planned_changes
from ims.changes.demo import step_changes
from ims.changes.models import PlannedChange
from ims.demo.loader import load_demo
from ims.processes.checks import processes_determined
from ims.processes.demo import step_processes
from ims.processes.models import Process, ProcessLink
from ims.readiness.checks import Status


def test_the_demo_steps(db):
    ctx = load_demo()
    if not Process.objects.exists():  # until the loader runs the steps itself
        step_processes(ctx)
    if not PlannedChange.objects.exists():
        step_changes(ctx)
    assert Process.objects.count() == 12
    assert ProcessLink.objects.count() == 15
    assert set(Process.objects.values_list("kind", flat=True)) == {"management", "core", "support"}
    assert PlannedChange.objects.filter(site__isnull=True).exists()
    assert set(PlannedChange.objects.values_list("status", flat=True)) == {
        "proposed",
        "approved",
        "in_progress",
        "completed",
        "cancelled",
    }
    assert processes_determined(timezone.now()).status == Status.PASS
    assert planned_changes(timezone.now()).status == Status.PASS
