"""Recurrence: events with the same process and cause category within the window are linked, both ways."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from django.utils import timezone

from ims.improvement import services
from ims.improvement.models import Event, EventStatus
from ims.processes.services import process_create
from tests.improvement.conftest import cause, fresh, report

BASE = (timezone.now() - dt.timedelta(days=400)).replace(hour=10, minute=0, second=0, microsecond=0)


def analysed(by, site, process, days: float, category: str = "maintenance") -> Event:
    """An event that occurred ``days`` after BASE, with its process and cause category recorded."""
    event = report(by, site, process=process, occurred_at=BASE + dt.timedelta(days=days))
    return services.event_update(by=by, event=event, version=event.version, cause_category=cause(category))


def links(event: Event) -> set[str]:
    return set(fresh(event).recurrences.values_list("reference", flat=True))


def test_the_default_window_is_180_days_counted_exactly(manager, north, press):
    first = analysed(manager, north, press, 0)
    on_the_edge = analysed(manager, north, press, 180)  # exactly 180 days later
    just_outside = analysed(manager, north, press, 180 + 1 / 1440)  # one minute more
    assert links(first) == {on_the_edge.reference}
    assert links(on_the_edge) == {first.reference, just_outside.reference}
    assert links(just_outside) == {on_the_edge.reference}


@override_settings(IMS_RECURRENCE_DAYS=30)
def test_the_window_is_configurable(manager, north, press):
    first = analysed(manager, north, press, 0)
    inside = analysed(manager, north, press, 30)
    outside = analysed(manager, north, press, 61)
    assert links(first) == {inside.reference}
    assert links(outside) == set()


def test_another_process_or_cause_is_no_recurrence(manager, owner, north, press):
    other_process = process_create(by=owner, sites=[north], name="Welding", kind="core")
    first = analysed(manager, north, press, 0)
    analysed(manager, north, other_process, 10)
    analysed(manager, north, press, 20, category="calibration")
    assert links(first) == set()


def test_a_link_appears_when_the_cause_is_recorded_and_goes_when_it_changes(manager, north, press):
    first = analysed(manager, north, press, 0)
    second = report(manager, north, process=press, occurred_at=BASE + dt.timedelta(days=45))
    assert links(first) == set()
    second = services.event_update(by=manager, event=second, version=second.version, cause_category=cause())
    assert links(first) == {second.reference}
    assert links(second) == {first.reference}
    services.event_update(by=manager, event=second, version=second.version, cause_category=cause("tooling"))
    assert links(first) == set()
    assert links(second) == set()


def test_a_rejected_event_is_no_recurrence(manager, north, press):
    first = analysed(manager, north, press, 0)
    second = analysed(manager, north, press, 5)
    assert links(first) == {second.reference}
    services.event_transition(by=manager, event=second, version=second.version, to=EventStatus.REJECTED, reason="x")
    assert links(first) == set()
