"""Fixtures of the GHG tests: the shipped factor library, series of the north site and readings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ims.monitoring import services
from ims.monitoring.importing import import_reading_items
from ims.monitoring.models import Category, Series
from tests.factors.conftest import factor, shipped  # noqa: F401  (the shipped library, loaded once per module)


@pytest.fixture
def make_series(manager: Any) -> Callable[..., Series]:
    def make(site: Any, reference: str, **fields: Any) -> Series:
        values: dict[str, Any] = {"name": reference.title(), "category": Category.ELECTRICITY, "unit": "kWh"}
        values.update(fields)
        return services.series_create(by=manager, site=site, reference=reference, **values)

    return make


@pytest.fixture
def record(manager: Any) -> Callable[..., None]:
    """Import readings ``(ts, value)`` of one series through the bulk import, as an integrator would."""

    def run(series: Series, *readings: tuple[str, float]) -> None:
        items = [{"series": series.reference, "ts": ts, "value": value} for ts, value in readings]
        import_reading_items(by=manager, items=items)

    return run


@pytest.fixture
def elec(make_series: Callable[..., Series], north: Any) -> Series:
    return make_series(north, "N-ELEC-MAIN", name="Main electricity meter")


@pytest.fixture
def grid_2025() -> Any:
    return factor("7_400_4000_5_1", 2025)
