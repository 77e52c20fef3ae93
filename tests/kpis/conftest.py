"""Series with known readings for the KPI and control chart tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from ims.monitoring import services as monitoring
from ims.monitoring.models import Category, Reading, Series


@pytest.fixture
def make_series(manager: Any) -> Callable[..., Series]:
    def make(site: Any, reference: str, category: str, unit: str, **fields: Any) -> Series:
        return monitoring.series_create(
            by=manager, site=site, reference=reference, name=reference.title(), category=category, unit=unit, **fields
        )

    return make


def put(series: Series, *rows: tuple[str, float]) -> None:
    """Readings at ISO 8601 UTC moments ("2026-01-10T08:00")."""
    Reading.objects.bulk_create(
        Reading(series=series, ts=dt.datetime.fromisoformat(ts).replace(tzinfo=dt.UTC), value=value)
        for ts, value in rows
    )


@pytest.fixture
def defects(make_series: Callable[..., Series], north: Any) -> Series:
    series = make_series(north, "N-DEF", Category.DEFECTS, "piece")
    put(
        series,
        ("2026-01-05T08:00", 2),
        ("2026-01-15T08:00", 3),
        ("2026-01-25T08:00", 5),
        ("2026-01-31T23:30", 4),  # 00:30 on 1 February in Berlin: counts for February
        ("2026-02-10T08:00", 26),
        ("2026-03-10T08:00", 50),
    )
    return series


@pytest.fixture
def production(make_series: Callable[..., Series], north: Any) -> Series:
    series = make_series(north, "N-PROD", Category.PRODUCTION, "piece")
    put(
        series,
        ("2026-01-10T08:00", 400),
        ("2026-01-20T08:00", 600),
        ("2026-02-10T08:00", 1000),
        ("2026-03-10T08:00", 1000),
    )
    return series
