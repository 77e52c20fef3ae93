"""The CUSUM and expected-versus-actual charts render as accessible SVG with their data tables."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ims.energy.baseline import compare, energy_baseline
from ims.energy.svg import comparison_table, cusum_svg, expected_actual_svg
from tests.energy.published import weeks

NS = {"svg": "http://www.w3.org/2000/svg"}


@pytest.fixture
def comparison():
    before, after = weeks("baseline"), weeks("reporting")
    model = energy_baseline(energy=[w["gas"] for w in before], variables={"temp": [w["temp"] for w in before]})
    return compare(
        model,
        actual=[w["gas"] for w in after],
        variables={"temp": [w["temp"] for w in after]},
        labels=[f"W{i + 1}" for i in range(len(after))],
    )


def test_the_cusum_chart_says_what_it_shows(comparison):
    root = ET.fromstring(cusum_svg(comparison, element_id="gas"))
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == "CUSUM of energy use against the baseline"
    assert root.find("svg:desc", NS).text == (
        "CUSUM of actual minus expected energy over 30 periods, W1 to W30. A falling line shows savings. "
        "It ends at -48.46: 48.46 less energy used than the baseline predicts (31.7 % of the expected 152.96)."
    )


def test_the_expected_actual_chart_distinguishes_lines_by_dash_not_colour(comparison):
    text = expected_actual_svg(comparison)
    ET.fromstring(text)
    assert 'stroke-dasharray="8 3 2 3"><title>expected (baseline model)</title>' in text
    assert "<title>actual</title>" in text


def test_the_table_lists_every_period_and_the_total(comparison):
    table = comparison_table(comparison)
    assert table.header == ("Period", "Expected", "Actual", "Actual − expected", "CUSUM")
    assert len(table.rows) == 31
    assert table.rows[-1] == ("Total", "152.96", "104.50", "-48.46", "")
    assert table.rows[-2][4] == "-48.46"
