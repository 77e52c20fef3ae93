"""Capability refuses what it cannot judge and handles one-sided specifications."""

from __future__ import annotations

import itertools
import math
import statistics

import pytest

from ims.spc.capability import capability_from_individuals, capability_from_subgroups

# 40 readings around 10.05 in a repeating pattern of four.
READINGS = [10.0 + (0.1 if i % 4 in (1, 2) else -0.1) + (0.1 if i % 2 else 0.0) for i in range(40)]
GROUPS = [[9.9, 10.0, 10.1, 10.2], [9.8, 10.0, 10.1, 10.1], [10.0, 10.1, 9.9, 10.0]] * 4


def test_it_refuses_without_specification_limits():
    with pytest.raises(
        ValueError,
        match=r"^Capability needs specification limits: give the lower \(LSL\), the upper \(USL\) or both\.$",
    ):
        capability_from_individuals(values=READINGS, lsl=None, usl=None)


@pytest.mark.parametrize(("lsl", "usl"), [(11.0, 9.0), (10.0, 10.0)])
def test_it_refuses_inverted_or_equal_limits(lsl, usl):
    with pytest.raises(
        ValueError, match=rf"^The lower specification limit \({lsl:g}\) must be below the upper one \({usl:g}\)\.$"
    ):
        capability_from_individuals(values=READINGS, lsl=lsl, usl=usl)


def test_it_refuses_too_few_measurements():
    with pytest.raises(
        ValueError, match=r"^Capability needs at least 30 measurements to be meaningful; there are 12\.$"
    ):
        capability_from_individuals(values=READINGS[:12], lsl=9.0, usl=11.0)


def test_the_minimum_count_is_a_parameter():
    result = capability_from_individuals(values=READINGS[:12], lsl=9.0, usl=11.0, min_observations=10)
    assert result.n == 12


def test_it_refuses_a_target_outside_the_specification():
    with pytest.raises(ValueError, match=r"^The target \(12\) must lie within the specification limits \(9 to 11\)\.$"):
        capability_from_individuals(values=READINGS, lsl=9.0, usl=11.0, target=12.0)


def test_it_refuses_data_without_spread():
    with pytest.raises(ValueError, match="spread is zero"):
        capability_from_individuals(values=[5.0] * 40, lsl=4.0, usl=6.0)


def test_it_refuses_an_unknown_within_method():
    with pytest.raises(ValueError, match="Unknown within-subgroup method 'median'"):
        capability_from_subgroups(subgroups=GROUPS, lsl=9.0, usl=11.0, within="median")  # type: ignore[arg-type]


def test_individuals_use_the_moving_range_for_within_sigma():
    result = capability_from_individuals(values=READINGS, lsl=9.0, usl=11.0)
    moving = [abs(b - a) for a, b in itertools.pairwise(READINGS)]
    sigma = statistics.fmean(moving) / 1.128
    mean = statistics.fmean(READINGS)
    assert result.within_method == "MR̄/d2"
    assert result.sigma_within == pytest.approx(sigma)
    assert result.cp == pytest.approx(2.0 / (6 * sigma))
    assert result.cpk == pytest.approx(min(mean - 9.0, 11.0 - mean) / (3 * sigma))
    assert result.pp == pytest.approx(2.0 / (6 * statistics.stdev(READINGS)))


def test_subgroups_can_use_the_standard_deviation_for_within_sigma():
    result = capability_from_subgroups(subgroups=GROUPS, lsl=9.0, usl=11.0, within="stdev")
    sigma = statistics.fmean(statistics.stdev(g) for g in GROUPS) / 0.9213
    assert result.within_method == "S̄/c4"
    assert result.sigma_within == pytest.approx(sigma, rel=1e-4)


def test_a_one_sided_specification_has_only_the_indices_of_its_side():
    # An upper limit only, as for an emission limit value.
    result = capability_from_individuals(values=READINGS, lsl=None, usl=11.0)
    assert result.cp is None
    assert result.pp is None
    assert result.cpm is None
    assert result.cpl is None
    assert result.cpk == result.cpu
    assert result.ppk == result.ppu
    assert result.expected_below_lsl is None
    assert result.observed_above_usl == 0
    assert math.isclose(
        result.expected_above_usl, 0.5 * math.erfc((11.0 - result.mean) / result.sigma_within / math.sqrt(2))
    )
