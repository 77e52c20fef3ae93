"""Series of the north and south sites for the monitoring tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from ims.monitoring import services
from ims.monitoring.importing import ReadingsReport, import_readings
from ims.monitoring.models import Category, ReadingKind, Series
from tests.browser.conftest import browser, page  # noqa: F401  (the browser fixtures, for test_browser)


@pytest.fixture
def make_series(manager: Any) -> Callable[..., Series]:
    def make(site: Any, reference: str, **fields: Any) -> Series:
        values: dict[str, Any] = {"name": reference.title(), "category": Category.ELECTRICITY, "unit": "kWh"}
        values.update(fields)
        return services.series_create(by=manager, site=site, reference=reference, **values)

    return make


@pytest.fixture
def elec(make_series: Callable[..., Series], north: Any) -> Series:
    return make_series(north, "N-ELEC-MAIN", name="Main electricity meter")


@pytest.fixture
def register(make_series: Callable[..., Series], north: Any) -> Series:
    return make_series(
        north, "N-ELEC-REG", name="Main meter index", reading_kind=ReadingKind.REGISTER, register_rollover=1_000_000
    )


@pytest.fixture
def run_import(manager: Any) -> Callable[..., ReadingsReport]:
    def run(content: str | bytes, *, by: Any = None, **kwargs: Any) -> ReadingsReport:
        data = content.encode() if isinstance(content, str) else content
        return import_readings(by=by or manager, stream=io.BytesIO(data), file_name="test.csv", **kwargs)

    return run
