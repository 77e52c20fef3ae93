"""The energy baseline reproduces the published regression of gas use on outside temperature (MASS::whiteside)."""

from __future__ import annotations

import statistics

import pytest

from ims.energy.baseline import compare, energy_baseline
from ims.energy.regression import fit
from tests.energy.published import expected, weeks

CASE = expected()
PUBLISHED = CASE["published_expected"]
COMPUTED = CASE["computed_by_assembler_not_published"]
COEFFICIENTS = float(CASE["tolerances_suggested"]["coefficients"].split()[0])  # "5e-5 absolute (…)"
R2 = float(CASE["tolerances_suggested"]["R2"])


@pytest.fixture
def baseline():
    before = weeks("baseline")
    return energy_baseline(energy=[w["gas"] for w in before], variables={"temp": [w["temp"] for w in before]})


def test_coefficients_match_the_published_summary(baseline):
    figures = PUBLISHED["baseline_model_before"]
    assert baseline.n == 26
    assert baseline.intercept.coefficient == pytest.approx(figures["intercept"], abs=COEFFICIENTS)
    assert baseline.term("temp").coefficient == pytest.approx(figures["slope_per_degC"], abs=COEFFICIENTS)
    assert baseline.intercept.std_error == pytest.approx(figures["intercept_se"], abs=COEFFICIENTS)
    assert baseline.term("temp").std_error == pytest.approx(figures["slope_se"], abs=COEFFICIENTS)
    # t printed to three significant digits
    assert baseline.intercept.t == pytest.approx(figures["t_intercept"], abs=0.05)
    assert baseline.term("temp").t == pytest.approx(figures["t_slope"], abs=0.05)


def test_residuals_match_the_published_quantiles(baseline):
    figures = PUBLISHED["baseline_model_before"]["residual_quantiles_min_q1_median_q3_max"]
    residuals = sorted(baseline.residuals)
    q1, median, q3 = statistics.quantiles(residuals, n=4, method="inclusive")  # R's default (type 7)
    assert [residuals[0], q1, median, q3, residuals[-1]] == pytest.approx(figures, abs=COEFFICIENTS)


def test_fit_statistics_and_p_values(baseline):
    figures = COMPUTED["baseline_before"]
    assert baseline.r2 == pytest.approx(figures["R2"], abs=R2)
    assert baseline.adj_r2 == pytest.approx(figures["adj_R2"], abs=R2)
    assert baseline.residual_se == pytest.approx(figures["residual_se"], abs=COEFFICIENTS)
    assert baseline.df == figures["df"]
    # R prints "<2e-16" for both coefficients.
    assert baseline.intercept.p_value < 2.2e-16
    assert baseline.term("temp").p_value < 2.2e-16


def test_the_reporting_period_model_matches_the_secondary_figures():
    after = weeks("reporting")
    model = fit(y=[w["gas"] for w in after], x={"temp": [w["temp"] for w in after]})
    figures = COMPUTED["reporting_after"]
    assert model.intercept.coefficient == pytest.approx(figures["intercept"], abs=COEFFICIENTS)
    assert model.term("temp").coefficient == pytest.approx(figures["slope"], abs=COEFFICIENTS)
    assert model.intercept.std_error == pytest.approx(figures["intercept_se"], abs=COEFFICIENTS)
    assert model.term("temp").std_error == pytest.approx(figures["slope_se"], abs=COEFFICIENTS)
    assert model.r2 == pytest.approx(figures["R2"], abs=R2)
    assert model.adj_r2 == pytest.approx(figures["adj_R2"], abs=R2)
    assert model.residual_se == pytest.approx(figures["residual_se"], abs=COEFFICIENTS)


def test_two_variables_reproduce_the_published_parallel_lines_model():
    every = weeks()
    model = fit(
        y=[w["gas"] for w in every], x={"temp": [w["temp"] for w in every], "after": [w["after"] for w in every]}
    )
    published = PUBLISHED["parallel_lines_model_all_56"]
    # printed with options(digits = 3)
    assert model.intercept.coefficient == pytest.approx(published["intercept"], abs=5e-4)
    assert model.term("temp").coefficient == pytest.approx(published["slope_Temp"], abs=5e-4)
    assert model.term("after").coefficient == pytest.approx(published["InsulAfter_shift"], abs=5e-4)
    exact = COMPUTED["parallel_lines_exact"]
    assert model.term("after").coefficient == pytest.approx(exact["InsulAfter"], abs=COEFFICIENTS)
    assert model.r2 == pytest.approx(exact["R2"], abs=R2)
    assert model.residual_se == pytest.approx(exact["residual_se"], abs=COEFFICIENTS)
    assert model.df == exact["df"]


def test_savings_over_the_reporting_period(baseline):
    after = weeks("reporting")
    result = compare(baseline, actual=[w["gas"] for w in after], variables={"temp": [w["temp"] for w in after]})
    figures = COMPUTED["savings_reporting_period"]
    assert result.expected_total == pytest.approx(figures["predicted_baseline_sum"], abs=1e-3)
    assert result.actual_total == pytest.approx(figures["actual_sum"], abs=1e-9)
    assert result.savings == pytest.approx(figures["avoided_consumption"], abs=1e-3)
    assert result.savings_percent == pytest.approx(figures["percent_saving"], abs=0.005)
    # Rows are sorted by temperature, not by time, so the CUSUM only checks the running sum.
    assert result.periods[-1].cusum == pytest.approx(-result.savings)
    assert result.warnings == ()
