"""Readiness 9001 7.1.5 (equipment within calibration) and 14001 9.1.1 (significant aspects monitored)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ims.aspects.models import Aspect
from ims.kpis import checks, services
from ims.kpis.models import Equipment
from ims.monitoring.models import Category
from ims.readiness.checks import Status

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def test_calibration_has_no_data_without_linked_equipment(manager: Any, north: Any) -> None:
    assert checks.calibration(NOW).status == Status.NO_DATA
    services.equipment_create(by=manager, site=north, reference="N-GAUGE-1", name="Gauge", last_calibrated_on=None)
    assert checks.calibration(NOW).status == Status.NO_DATA  # not linked to a series


def test_calibration_passes_then_fails_when_overdue(manager: Any, north: Any, make_series: Any) -> None:
    series = make_series(north, "N-ELEC", Category.ELECTRICITY, "kWh")
    meter = services.equipment_create(
        by=manager,
        site=north,
        series=[series],
        reference="N-METER-1",
        name="Main meter",
        interval_months=12,
        last_calibrated_on=dt.date(2025, 6, 2),
    )
    assert meter.due_on == dt.date(2026, 6, 2)
    result = checks.calibration(NOW)
    assert (result.status, result.explanation) == (
        Status.PASS,
        "All 1 measuring equipment linked to series are within calibration.",
    )
    later = checks.calibration(NOW + dt.timedelta(days=2))
    assert later.status == Status.FAIL
    assert later.explanation == (
        "1 of 1 measuring equipment linked to series are past their calibration due date or were never "
        "calibrated: N-METER-1."
    )


def test_recording_a_calibration_moves_the_due_date(manager: Any, north: Any) -> None:
    item = services.equipment_create(
        by=manager, site=north, reference="N-GAUGE-2", name="Gauge", interval_months=6, next_due_on=dt.date(2025, 1, 1)
    )
    on = timezone.localdate()
    item = services.equipment_calibrated(by=manager, item=item, version=item.version, on=on, certificate="C-77")
    item = Equipment.objects.get(pk=item.pk)
    assert item.next_due_on is None
    assert item.last_calibrated_on == on
    assert item.certificate == "C-77"
    assert not item.overdue(on)


def _aspect(north: Any, reference: str, significant: bool) -> Aspect:
    return Aspect.objects.create(
        reference=reference,
        site=north,
        activity="Painting",
        aspect="Solvent use",
        impact="VOC",
        significant=significant,
    )


def test_significant_aspects_must_be_monitored(manager: Any, north: Any, make_series: Any) -> None:
    assert checks.aspects_monitored(NOW).status == Status.NO_DATA
    _aspect(north, "ASP-001", False)
    assert checks.aspects_monitored(NOW).status == Status.NO_DATA
    solvent = _aspect(north, "ASP-002", True)
    _aspect(north, "ASP-003", True)
    result = checks.aspects_monitored(NOW)
    assert (result.status, result.explanation) == (
        Status.FAIL,
        "2 of 2 significant aspects are monitored by no series or KPI: ASP-002, ASP-003.",
    )
    series = make_series(north, "N-VOC", Category.OTHER, "kg")
    services.aspect_monitor(by=manager, aspect=solvent, series=series)
    assert checks.aspects_monitored(NOW).explanation.endswith("ASP-003.")
    services.aspect_monitor(by=manager, aspect=Aspect.objects.get(reference="ASP-003"), series=series)
    assert checks.aspects_monitored(NOW).status == Status.PASS
