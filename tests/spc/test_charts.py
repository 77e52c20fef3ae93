"""Control charts: limits from the chosen baseline, applied to every point, per point where n varies."""

from __future__ import annotations

import math
import statistics

import pytest

from ims.spc.charts import (
    ChartKind,
    c_chart,
    individuals_moving_range,
    np_chart,
    p_chart,
    resolve_baseline,
    u_chart,
    xbar_r,
    xbar_s,
)
from ims.spc.constants import factors

GROUPS = [[10.1, 9.9, 10.0, 10.2, 9.8], [10.0, 10.3, 9.9, 10.1, 10.0], [9.7, 10.0, 10.2, 10.1, 9.9],
          [10.2, 10.0, 9.8, 10.0, 10.1], [10.4, 10.6, 10.5, 10.7, 10.3]]  # fmt: skip


def test_limits_come_from_the_baseline_and_apply_to_later_points():
    pair = xbar_r(subgroups=GROUPS, baseline=range(4))
    baseline_means = [statistics.fmean(g) for g in GROUPS[:4]]
    assert pair.location.center == pytest.approx(statistics.fmean(baseline_means))
    assert pair.location.baseline == (0, 1, 2, 3)
    assert [p.in_baseline for p in pair.location.points] == [True, True, True, True, False]
    assert {p.ucl for p in pair.location.points} == {pair.location.ucl}
    assert pair.location.points[4].value > pair.location.ucl


def test_xbar_r_limits_are_the_tabulated_factors_times_rbar():
    pair = xbar_r(subgroups=GROUPS)
    f = factors(5)
    r_bar = statistics.fmean(max(g) - min(g) for g in GROUPS)
    assert pair.dispersion.center == pytest.approx(r_bar)
    assert pair.location.ucl == pytest.approx(pair.location.center + f.A2 * r_bar)
    assert pair.location.lcl == pytest.approx(pair.location.center - f.A2 * r_bar)
    assert pair.dispersion.ucl == pytest.approx(f.D4 * r_bar)
    assert pair.dispersion.lcl == 0


def test_xbar_s_limits_are_the_tabulated_factors_times_sbar():
    pair = xbar_s(subgroups=GROUPS)
    f = factors(5)
    s_bar = statistics.fmean(statistics.stdev(g) for g in GROUPS)
    assert pair.dispersion.center == pytest.approx(s_bar)
    assert pair.location.ucl == pytest.approx(pair.location.center + f.A3 * s_bar)
    assert pair.dispersion.ucl == pytest.approx(f.B4 * s_bar)
    assert pair.dispersion.lcl == pytest.approx(f.B3 * s_bar)


def test_unequal_subgroups_get_limits_for_their_own_size():
    groups = [[10.0, 10.2, 9.9], [10.1, 9.8, 10.0, 10.2, 9.9], [9.9, 10.1, 10.0, 10.3]]
    pair = xbar_r(subgroups=groups)
    sigma = statistics.fmean((max(g) - min(g)) / factors(len(g)).d2 for g in groups)
    assert pair.location.sigma == pytest.approx(sigma)
    assert pair.location.ucl is None
    assert pair.location.limits_vary
    for point, group in zip(pair.location.points, groups, strict=True):
        assert point.ucl == pytest.approx(pair.location.center + 3 * sigma / math.sqrt(len(group)))
    for point, group in zip(pair.dispersion.points, groups, strict=True):
        assert point.center == pytest.approx(factors(len(group)).d2 * sigma)
    assert pair.dispersion.center is None


def test_moving_ranges_start_at_the_second_reading():
    pair = individuals_moving_range(values=[1.0, 3.0, 2.0, 2.5])
    assert [p.index for p in pair.dispersion.points] == [1, 2, 3]
    assert [p.value for p in pair.dispersion.points] == [2.0, 1.0, 0.5]
    assert pair.dispersion.ucl == pytest.approx(factors(2).D4 * 3.5 / 3)


def test_a_moving_range_across_a_point_left_out_is_outside_the_baseline():
    pair = individuals_moving_range(values=[1.0, 3.0, 9.0, 2.0, 2.5], baseline=[0, 1, 3, 4])
    assert [p.in_baseline for p in pair.dispersion.points] == [True, False, False, True]
    assert not pair.location.points[2].in_baseline


def test_p_chart_limits_vary_with_the_sample_size():
    chart = p_chart(nonconforming=[5, 8, 3, 12], sizes=[100, 200, 50, 150])
    p_bar = 28 / 500
    assert chart.center == pytest.approx(p_bar)
    assert chart.lcl is None
    assert chart.ucl is None
    for point in chart.points:
        spread = 3 * math.sqrt(p_bar * (1 - p_bar) / point.size)
        assert point.ucl == pytest.approx(p_bar + spread)
        assert point.lcl == pytest.approx(max(0.0, p_bar - spread))  # a fraction has no negative limit
    assert chart.points[0].lcl == 0
    assert chart.points[1].lcl > 0


def test_p_chart_upper_limit_never_exceeds_one():
    chart = p_chart(nonconforming=[2, 3, 2], sizes=[4, 4, 4])
    assert chart.ucl == 1.0


def test_u_chart_with_varying_inspection_units():
    chart = u_chart(counts=[4, 9, 2], units=[2.0, 3.0, 0.5])
    u_bar = 15 / 5.5
    assert chart.center == pytest.approx(u_bar)
    assert [p.value for p in chart.points] == pytest.approx([2.0, 3.0, 4.0])
    assert chart.points[2].ucl == pytest.approx(u_bar + 3 * math.sqrt(u_bar / 0.5))
    assert chart.kind is ChartKind.U


def test_c_chart_lower_limit_is_cut_at_zero():
    chart = c_chart(counts=[1, 2, 0, 3])
    assert chart.lcl == 0
    assert chart.ucl == pytest.approx(1.5 + 3 * math.sqrt(1.5))


def test_limits_can_be_set_at_another_multiple_of_sigma():
    chart = c_chart(counts=[16, 25, 20], sigmas=2)
    assert chart.ucl == pytest.approx(61 / 3 + 2 * math.sqrt(61 / 3))
    with pytest.raises(ValueError, match="positive number of sigmas"):
        c_chart(counts=[16, 25, 20], sigmas=0)


def test_it_refuses_a_baseline_outside_the_series():
    with pytest.raises(
        ValueError,
        match=r"^The baseline window refers to position 7, but the series has 5 points \(positions 0 to 4\)\.$",
    ):
        resolve_baseline([0, 1, 7], count=5)


def test_it_refuses_a_baseline_too_short_to_compute_limits():
    with pytest.raises(
        ValueError, match=r"^The baseline window needs at least 2 points to compute limits; it has 1\.$"
    ):
        individuals_moving_range(values=[1.0, 2.0, 3.0], baseline=[1])


def test_it_refuses_subgroups_of_one_for_an_xbar_chart():
    with pytest.raises(ValueError, match=r"^Subgroup 2 has 1 measurement\(s\); X̄ charts need subgroups of 2 to 25"):
        xbar_r(subgroups=[[1.0, 2.0], [3.0]])


def test_it_refuses_an_np_chart_with_unequal_samples():
    with pytest.raises(ValueError, match="np chart needs every sample to have the same size; use a p chart"):
        np_chart(nonconforming=[1, 2], sizes=[50, 60])


def test_it_refuses_more_nonconforming_items_than_were_inspected():
    with pytest.raises(ValueError, match=r"^Point 2 has 7 nonconforming items in a sample of 5\.$"):
        p_chart(nonconforming=[1, 7], sizes=[5, 5])


def test_it_refuses_counts_and_sizes_of_different_lengths():
    with pytest.raises(ValueError, match=r"^There are 3 counts but 2 sample sizes"):
        u_chart(counts=[1, 2, 3], units=[1, 1])


@pytest.mark.parametrize("bad", [-1, math.nan])
def test_it_refuses_negative_or_missing_counts(bad):
    with pytest.raises(ValueError, match=r"^(Point 2 has a negative count|Count of point 2 is not a finite number)"):
        c_chart(counts=[1, bad, 3])
