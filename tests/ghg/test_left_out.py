"""The dashboard says which series its totals cannot include, instead of silently dropping them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ims.ghg import dashboard as dash
from ims.monitoring.models import Category, Series


def test_gas_in_cubic_metres_is_named_as_left_out_of_energy(
    make_series: Callable[..., Series], record: Any, north: Any, elec: Series, manager: Any, web: Any
) -> None:
    gas_m3 = make_series(north, "N-GAS-M3", category=Category.NATURAL_GAS, unit="m3")
    gas_kwh = make_series(north, "N-GAS-KWH", category=Category.NATURAL_GAS, unit="MWh")
    record(elec, ("2025-03-10T10:00", 100))
    record(gas_m3, ("2025-03-10T10:00", 40))
    record(gas_kwh, ("2025-03-10T10:00", 2))
    energy = dash.resource_by_month(year=2025, site_ids=[north.pk], resource="energy")
    assert energy[2] == 2100.0  # 100 kWh + 2 MWh; the 40 m³ are not energy without a calorific value
    assert dash.left_out(site_ids=[north.pk]) == [dash.Left("N-GAS-M3", "m3", "energy", "kWh")]
    page = web(manager).get("/ghg/dashboard?year=2025").content.decode()
    assert "N-GAS-M3 in m3 is not in energy (kWh)." in page


def test_nothing_is_named_when_every_series_converts(north: Any, elec: Series) -> None:
    assert dash.left_out(site_ids=[north.pk]) == []
