"""Control charts reproduce the figures published for textbook data sets (qcc vignette, Montgomery).

Sample numbers in the published material count from 1; series positions here count from 0.
"""

from __future__ import annotations

import pytest

from ims.spc.charts import c_chart, individuals_moving_range, np_chart, p_chart, u_chart, xbar_r, xbar_s
from ims.spc.rules import Rule, check
from tests.spc.published import expected, pistonrings, rows

PISTONS = "01_xbar_r_pistonrings"
ATTRIBUTES = "02_attribute_p_c_u"
VISCOSITY = "03_imr_viscosity"
PHASE_I = range(25)


def beyond_limits(chart):
    """1-based numbers of the points outside the control limits."""
    return [v.index + 1 for v in check(chart, rules={Rule.WE1})]


# --- X̄-R and X̄-S, piston rings -------------------------------------------------------------------


@pytest.fixture
def pistons():
    case = expected(PISTONS)
    return case["published_expected"], case["tolerances_suggested"], case["computed_by_assembler_not_published"]


def test_xbar_r_reproduces_the_published_xbar_chart(pistons):
    published, tolerance, _ = pistons
    chart = xbar_r(subgroups=pistonrings(), baseline=PHASE_I).location
    figures = published["xbar_chart"]
    assert chart.center == pytest.approx(figures["center_xbarbar"], abs=tolerance["center"])
    assert chart.lcl == pytest.approx(figures["LCL"], abs=tolerance["limits"])
    assert chart.ucl == pytest.approx(figures["UCL"], abs=tolerance["limits"])
    assert chart.sigma == pytest.approx(figures["std_dev_sigma_hat"], rel=1e-6)


def test_xbar_r_reproduces_the_published_r_chart(pistons):
    published, tolerance, _ = pistons
    chart = xbar_r(subgroups=pistonrings(), baseline=PHASE_I).dispersion
    figures = published["R_chart"]
    assert chart.center == pytest.approx(figures["center_Rbar"], abs=tolerance["center"])
    assert chart.lcl == pytest.approx(figures["LCL"], abs=tolerance["limits"])
    assert chart.ucl == pytest.approx(figures["UCL"], abs=tolerance["limits"])


def test_xbar_s_reproduces_the_published_s_chart(pistons):
    published, tolerance, _ = pistons
    chart = xbar_s(subgroups=pistonrings(), baseline=PHASE_I).dispersion
    figures = published["S_chart"]
    # qcc prints seven significant digits; the S chart's figures are small, so compare relatively too.
    assert chart.center == pytest.approx(figures["center_Sbar"], rel=1e-6)
    assert chart.sigma == pytest.approx(figures["std_dev_sigma_hat"], rel=1e-6)
    assert chart.lcl == pytest.approx(figures["LCL"], abs=tolerance["limits"])
    assert chart.ucl == pytest.approx(figures["UCL"], rel=1e-6)


def test_phase_two_samples_are_judged_against_the_phase_one_limits(pistons):
    _, _, computed = pistons
    pair = xbar_r(subgroups=pistonrings(), baseline=PHASE_I)
    means = {str(p.index + 1): p.value for p in pair.location.points if not p.in_baseline}
    assert means == pytest.approx(computed["phase_II_sample_means"], abs=1e-9)
    assert beyond_limits(pair.location) == computed["phase_II_xbar_points_beyond_limits"]
    assert beyond_limits(pair.dispersion) == computed["phase_II_R_points_beyond_UCL"]


def test_the_textbook_copy_of_the_data_gives_the_textbook_rounded_figures(pistons):
    textbook = expected(PISTONS)["textbook_rounded_values"]
    pair = xbar_r(subgroups=pistonrings("pistonrings_montgomery_table6_3_phase1.csv"))
    assert round(pair.location.center, 3) == textbook["xbarbar"]
    assert round(pair.dispersion.center, 3) == textbook["Rbar"]
    # The book computes its limits from the rounded figures (74.001 ± 0.577 × 0.023), so the exact
    # limits (73.98777 to 74.01459) agree with them to 1e-3 rather than to rounding.
    assert pair.location.lcl == pytest.approx(textbook["xbar_LCL"], abs=1e-3)
    assert pair.location.ucl == pytest.approx(textbook["xbar_UCL"], abs=1e-3)


# --- p, np, c, u ---------------------------------------------------------------------------------


@pytest.fixture
def attributes():
    case = expected(ATTRIBUTES)
    return (
        case["published_expected"],
        case["tolerances_suggested"]["relative"],
        case["computed_by_assembler_not_published"],
    )


def orange_juice():
    data = rows(ATTRIBUTES, "orangejuice_p.csv")
    return [int(r["nonconforming"]) for r in data], [int(r["sample_size"]) for r in data]


def test_p_chart_reproduces_the_published_trial_limits(attributes):
    published, rel, computed = attributes
    defects, sizes = orange_juice()
    chart = p_chart(nonconforming=defects[:30], sizes=sizes[:30])
    figures = published["p_chart_orangejuice_trial"]
    assert chart.center == pytest.approx(figures["center_pbar"], rel=rel)
    assert chart.points[0].sigma == pytest.approx(figures["std_dev"], rel=rel)
    assert chart.lcl == pytest.approx(figures["LCL"], rel=rel)
    assert chart.ucl == pytest.approx(figures["UCL"], rel=rel)
    assert beyond_limits(chart) == computed["orangejuice_trial_points_beyond_limits"]


def test_np_chart_reproduces_the_published_trial_limits(attributes):
    published, rel, _ = attributes
    defects, sizes = orange_juice()
    chart = np_chart(nonconforming=defects[:30], sizes=sizes[:30])
    figures = published["np_chart_orangejuice_trial"]
    assert chart.center == pytest.approx(figures["center_npbar"], rel=rel)
    assert chart.points[0].sigma == pytest.approx(figures["std_dev"], rel=rel)
    assert chart.lcl == pytest.approx(figures["LCL"], rel=rel)
    assert chart.ucl == pytest.approx(figures["UCL"], rel=rel)


def test_p_chart_revised_without_the_samples_with_assignable_causes(attributes):
    published, rel, computed = attributes
    defects, sizes = orange_juice()
    baseline = [i for i in range(30) if i + 1 not in (15, 23)]
    chart = p_chart(nonconforming=defects, sizes=sizes, baseline=baseline)
    figures = published["p_chart_orangejuice_revised"]
    assert chart.center == pytest.approx(figures["center_pbar"], rel=rel)
    assert chart.points[0].sigma == pytest.approx(figures["std_dev"], rel=rel)
    assert chart.lcl == pytest.approx(figures["LCL"], rel=rel)
    assert chart.ucl == pytest.approx(figures["UCL"], rel=rel)
    # Sample 41 (2/50 = 0.04) lies just below the revised LCL of 0.0407; limits are not rounded.
    phase_two = [n for n in beyond_limits(chart) if n > 30]
    assert phase_two == computed["orangejuice_phase_II_points_beyond_revised_limits"]["below_LCL"]


def circuit():
    return [int(r["nonconformities"]) for r in rows(ATTRIBUTES, "circuit_c.csv")]


def test_c_chart_reproduces_the_published_trial_limits(attributes):
    published, rel, computed = attributes
    chart = c_chart(counts=circuit()[:26])
    figures = published["c_chart_circuit_trial"]
    assert chart.center == pytest.approx(figures["center_cbar"], rel=rel)
    assert chart.sigma == pytest.approx(figures["std_dev"], rel=rel)
    assert chart.lcl == pytest.approx(figures["LCL"], rel=rel)
    assert chart.ucl == pytest.approx(figures["UCL"], rel=rel)
    outside = computed["circuit_trial_points_beyond_limits"]
    assert beyond_limits(chart) == sorted(outside["below_LCL"] + outside["above_UCL"])


def test_c_chart_revised_and_applied_to_new_samples(attributes):
    published, rel, computed = attributes
    baseline = [i for i in range(26) if i + 1 not in (6, 20)]
    chart = c_chart(counts=circuit(), baseline=baseline)
    figures = published["c_chart_circuit_revised"]
    assert chart.center == pytest.approx(figures["center_cbar"], rel=rel)
    assert chart.sigma == pytest.approx(figures["std_dev"], rel=rel)
    assert chart.lcl == pytest.approx(figures["LCL"], rel=rel)
    assert chart.ucl == pytest.approx(figures["UCL"], rel=rel)
    assert [n for n in beyond_limits(chart) if n > 26] == computed["circuit_phase_II_points_beyond_revised_limits"]


def test_u_chart_reproduces_the_published_limits_at_every_point(attributes):
    published, rel, computed = attributes
    data = rows(ATTRIBUTES, "pcmanufact_u.csv")
    chart = u_chart(counts=[int(r["nonconformities"]) for r in data], units=[int(r["units_inspected"]) for r in data])
    figures = published["u_chart_pcmanufact"]
    assert chart.center == pytest.approx(figures["center_ubar"], rel=rel)
    assert chart.sigma == pytest.approx(1.389244, rel=rel)  # qcc's printed standard deviation, √ū
    for point in chart.points:
        assert point.lcl == pytest.approx(figures["LCL"], rel=rel)
        assert point.ucl == pytest.approx(figures["UCL"], rel=rel)
    assert beyond_limits(chart) == computed["pcmanufact_points_beyond_limits"]


# --- Individuals, viscosity ----------------------------------------------------------------------


@pytest.fixture
def viscosity():
    case = expected(VISCOSITY)
    values = [float(r["viscosity"]) for r in rows(VISCOSITY, "viscosity.csv")]
    return values, case["published_expected"], case["tolerances_suggested"]["absolute"], case


def test_individuals_chart_reproduces_the_published_limits(viscosity):
    values, published, tolerance, _ = viscosity
    chart = individuals_moving_range(values=values, baseline=range(20)).location
    figures = published["I_chart_phase_I_MR_method"]
    assert chart.center == pytest.approx(figures["center"], abs=tolerance)
    assert chart.sigma == pytest.approx(figures["std_dev_MRbar_over_d2"], rel=1e-6)
    assert chart.lcl == pytest.approx(figures["LCL"], abs=tolerance)
    assert chart.ucl == pytest.approx(figures["UCL"], abs=tolerance)


def test_leaving_a_batch_out_of_the_baseline_matches_removing_it(viscosity):
    # qcc deletes batch 4 and recomputes; here batch 4 stays on the chart but leaves the baseline.
    values, published, tolerance, _ = viscosity
    chart = individuals_moving_range(values=values, baseline=[i for i in range(20) if i != 3]).location
    figures = published["I_chart_revised_batch4_removed"]
    assert len(chart.baseline) == figures["phase_I_points"]
    assert chart.center == pytest.approx(figures["center"], abs=tolerance)
    assert chart.sigma == pytest.approx(figures["std_dev"], rel=1e-6)
    assert chart.lcl == pytest.approx(figures["LCL"], abs=tolerance)
    assert chart.ucl == pytest.approx(figures["UCL"], abs=tolerance)
    assert not chart.points[3].in_baseline


def test_moving_range_chart_and_the_out_of_control_batch(viscosity):
    values, _, _, case = viscosity
    computed = case["computed_by_assembler_not_published"]
    pair = individuals_moving_range(values=values, baseline=range(20))
    assert pair.dispersion.center == pytest.approx(computed["MRbar_phase_I"], rel=1e-6)
    assert pair.dispersion.lcl == 0
    # The secondary figure used D4 = 3.267; from d2 and d3 it is 3.2673, so UCL differs by 1.6e-4.
    assert pair.dispersion.ucl == pytest.approx(computed["MR_chart_phase_I"]["UCL_D4_3.267"], abs=5e-4)
    phase_one = [n for n in beyond_limits(pair.location) if n <= 20]
    assert phase_one == computed["I_chart_points_beyond_limits_phase_I"]
    mr_phase_one = [n for n in beyond_limits(pair.dispersion) if n <= 20]
    assert mr_phase_one == computed["MR_points_beyond_UCL_phase_I"]["batch_label_of_later_point"]
