"""Capability indices reproduce qcc's processCapability output for the piston-ring data."""

from __future__ import annotations

from collections import defaultdict

import pytest

from ims.spc.capability import capability_from_subgroups
from tests.spc.published import expected, rows

CASE = "04_capability_pistonrings"


def subgroups():
    groups = defaultdict(list)
    for r in rows(CASE, "pistonrings_phase1.csv"):
        groups[int(r["sample"])].append(float(r["diameter"]))
    return [groups[k] for k in sorted(groups)]


def _printed_tolerance(printed):
    """Half a unit of the last digit printed: scenario 1 prints two decimals, the others three."""
    decimals = max(len(str(v).split(".")[1]) if "." in str(v) else 0 for v in printed)
    return 0.5 * 10 ** -max(decimals, 2) + 1e-9


@pytest.mark.parametrize(
    "scenario", expected(CASE)["published_expected"]["scenarios"], ids=lambda s: f"{s['LSL']}-{s['USL']}-{s['target']}"
)
def test_indices_match_the_published_scenario(scenario):
    result = capability_from_subgroups(
        subgroups=subgroups(), lsl=scenario["LSL"], usl=scenario["USL"], target=scenario["target"]
    )
    for name, attribute in (("Cp", "cp"), ("Cp_l", "cpl"), ("Cp_u", "cpu"), ("Cp_k", "cpk"), ("Cpm", "cpm")):
        printed = scenario[name]
        assert getattr(result, attribute) == pytest.approx(printed[0], abs=_printed_tolerance(printed)), name
    for name, attribute in (
        ("exp_below_LSL", "expected_below_lsl"),
        ("obs_below_LSL", "observed_below_lsl"),
        ("exp_above_USL", "expected_above_usl"),
        ("obs_above_USL", "observed_above_usl"),
    ):
        assert round(100 * getattr(result, attribute)) == int(scenario[name].rstrip("%")), name


def test_centre_and_within_sigma_match_the_xbar_chart():
    scenario = expected(CASE)["published_expected"]["scenarios"][0]
    result = capability_from_subgroups(subgroups=subgroups(), lsl=scenario["LSL"], usl=scenario["USL"])
    assert result.n == scenario["n"]
    assert result.mean == pytest.approx(scenario["center"], abs=1e-5)
    assert result.sigma_within == pytest.approx(scenario["std_dev"], rel=1e-6)
    assert result.within_method == "R̄/d2"


def test_exact_indices_and_overall_performance_match_the_secondary_figures():
    computed = expected(CASE)["computed_by_assembler_not_published"]
    result = capability_from_subgroups(subgroups=subgroups(), lsl=73.95, usl=74.05)
    exact = computed["exact_point_estimates_scenario_1"]
    assert result.cp == pytest.approx(exact["Cp"], abs=1e-6)
    assert result.cpl == pytest.approx(exact["Cp_l"], abs=1e-6)
    assert result.cpu == pytest.approx(exact["Cp_u"], abs=1e-6)
    assert result.cpk == pytest.approx(exact["Cp_k"], abs=1e-6)
    assert result.sigma_overall == pytest.approx(computed["overall_long_term_sd_of_125_obs"], abs=5e-6)
    assert result.pp == pytest.approx(computed["Pp_scenario_1_using_overall_sd"], abs=1e-4)
    assert result.ppk == pytest.approx(computed["Ppk_scenario_1"], abs=1e-4)


def test_the_target_defaults_to_the_middle_of_the_tolerance():
    result = capability_from_subgroups(subgroups=subgroups(), lsl=73.99, usl=74.1)
    assert result.target == pytest.approx(74.045)
    assert result.cpm == pytest.approx(0.408, abs=0.0005)
