"""Energy baseline on series: the weekly model, refusal in words, expected vs actual, savings, CUSUM."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ims.kpis import energy, services
from ims.kpis.models import EnergyBaseline
from ims.monitoring.models import Category
from tests.kpis.conftest import put

MONDAY = dt.date(2026, 1, 5)  # baseline: 8 weeks from here; reporting: the 4 weeks after
WEEKS = 12


def _production(day: int) -> float:
    return 100.0 + 10.0 * ((day // 7) % 5) + day % 7


@pytest.fixture
def plant(make_series: Any, north: Any) -> tuple[Any, Any]:
    elec = make_series(north, "N-ELEC", Category.ELECTRICITY, "kWh", expected_frequency="irregular")
    parts = make_series(north, "N-PARTS", Category.PRODUCTION, "piece", expected_frequency="irregular")
    energy_rows, parts_rows = [], []
    for day in range(WEEKS * 7):
        moment = (dt.datetime.combine(MONDAY, dt.time(10)) + dt.timedelta(days=day)).isoformat()
        week = day // 7
        noise = (1.0 if week % 2 else -1.0) if day % 7 == 0 else 0.0
        saving = 10.0 if week >= 8 else 0.0  # 70 kWh a week less in the reporting period
        energy_rows.append((moment, 70.0 + 3.0 * _production(day) + noise - saving))
        parts_rows.append((moment, _production(day)))
    put(elec, *energy_rows)
    put(parts, *parts_rows)
    return elec, parts


def _baseline(manager: Any, elec: Any, production: Any, **fields: Any) -> EnergyBaseline:
    values = {
        "reference": "N-ENB-1",
        "name": "Electricity of the machining hall",
        "baseline_from": MONDAY,
        "baseline_to": MONDAY + dt.timedelta(weeks=8),
        "reporting_from": MONDAY + dt.timedelta(weeks=8),
        "reporting_to": MONDAY + dt.timedelta(weeks=12),
        **fields,
    }
    return services.baseline_create(by=manager, energy=elec, production=production, **values)


def test_a_valid_weekly_model_and_its_savings(manager: Any, plant: Any, web: Any) -> None:
    elec, parts = plant
    record = _baseline(manager, elec, parts)
    result = energy.analyse(record)
    assert result.baseline.labels[0] == "2026-W02"
    assert len(result.baseline.labels) == 8
    assert len(result.reporting.labels) == 4
    assert result.model is not None
    assert result.model.term("production").coefficient == pytest.approx(3.0, abs=0.01)
    assert result.model.r2 > 0.99
    assert result.comparison is not None
    assert result.comparison.savings == pytest.approx(280.0, abs=3.0)  # 4 weeks × 70 kWh
    assert result.comparison.cusum[-1] == pytest.approx(-280.0, abs=3.0)
    page = web(manager).get(f"/kpis/baselines/{record.pk}/")
    assert page.status_code == 200
    assert "CUSUM" in page.content.decode()


def test_a_model_without_relation_is_refused_in_words(manager: Any, plant: Any, make_series: Any, north: Any) -> None:
    elec, _ = plant
    unrelated = make_series(north, "N-VISITS", Category.PRODUCTION, "piece", expected_frequency="irregular")
    # the same count every week but one: energy varies, this variable barely does
    put(unrelated, *((f"{MONDAY + dt.timedelta(days=d)}T10:00", 5.0 if d != 20 else 6.0) for d in range(56)))
    result = energy.analyse(_baseline(manager, elec, unrelated))
    assert result.model is None
    assert result.comparison is None
    assert len(result.refusal) == 2
    assert result.refusal[0].startswith("R² is ")
    assert result.refusal[0].endswith(
        "below the required 0.50: the variables explain too little of the variation in energy use."
    )
    assert result.refusal[1].startswith("Variable 'production' is not significant: p = ")


def test_it_needs_a_variable(manager: Any, plant: Any) -> None:
    from ims.core.errors import ValidationFailed

    elec, _ = plant
    with pytest.raises(ValidationFailed) as caught:
        _baseline(manager, elec, None)
    assert caught.value.errors["production"] == ["Choose a production series, a temperature series or both."]


def test_degree_days_from_a_temperature_series(manager: Any, make_series: Any, north: Any) -> None:
    gas = make_series(north, "N-GAS", Category.NATURAL_GAS, "kWh", expected_frequency="irregular")
    outside = make_series(
        north, "N-TEMP", Category.OTHER, "degC", reading_kind="sample", expected_frequency="irregular"
    )
    gas_rows, temp_rows = [], []
    for day in range(56):
        date = MONDAY + dt.timedelta(days=day)
        mean = 2.0 + (day * 7 % 11)  # 2 to 12 °C
        temp_rows += [(f"{date}T06:00", mean - 2.0), (f"{date}T14:00", mean + 2.0)]  # the day's mean is ``mean``
        gas_rows.append((f"{date}T10:00", 200.0 + 5.0 * (15.5 - mean) + (0.5 if day % 3 else -1.0)))
    put(gas, *gas_rows)
    put(outside, *temp_rows)
    record = services.baseline_create(
        by=manager,
        energy=gas,
        temperature=outside,
        reference="N-ENB-GAS",
        name="Gas for space heating",
        baseline_from=MONDAY,
        baseline_to=MONDAY + dt.timedelta(weeks=6),
        reporting_from=MONDAY + dt.timedelta(weeks=6),
        reporting_to=MONDAY + dt.timedelta(weeks=8),
    )
    result = energy.analyse(record)
    assert result.model is not None
    assert [t.name for t in result.model.variables] == ["HDD"]
    assert result.model.term("HDD").coefficient == pytest.approx(5.0, abs=0.1)
    assert result.comparison is not None
    assert result.comparison.savings == pytest.approx(0.0, abs=5.0)
