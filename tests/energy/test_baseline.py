"""Energy baselines: fitted by least squares, refused when not valid, compared with a reporting period."""

from __future__ import annotations

import math

import pytest

from ims.energy.baseline import BaselineRefused, compare, energy_baseline, require_valid, validity_problems
from ims.energy.regression import fit

PRODUCTION = [100, 120, 90, 110, 130, 95, 105, 125, 115, 85, 140, 100]
HDD = [350, 300, 280, 200, 120, 60, 30, 40, 110, 220, 300, 380]
NOISE = [1.5, -2, 0.5, 1, -1.5, 2, -0.5, -1, 1.5, -2, 0.5, 0]
RAIN = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]
ENERGY = [500 + 3 * p + 1.2 * h + n for p, h, n in zip(PRODUCTION, HDD, NOISE, strict=True)]


def _det3(m):
    return (
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    )


def normal_equations(y, columns):
    """Independent check: solve XᵀX·b = Xᵀy by Cramer's rule and return b and diag((XᵀX)⁻¹)."""
    xs = [[1.0] * len(y), *columns]
    xtx = [[math.fsum(a * b for a, b in zip(ci, cj, strict=True)) for cj in xs] for ci in xs]
    xty = [math.fsum(a * b for a, b in zip(ci, y, strict=True)) for ci in xs]
    det = _det3(xtx)
    b = []
    for k in range(3):
        replaced = [[xty[i] if j == k else xtx[i][j] for j in range(3)] for i in range(3)]
        b.append(_det3(replaced) / det)
    minors = [
        xtx[(k + 1) % 3][(k + 1) % 3] * xtx[(k + 2) % 3][(k + 2) % 3]
        - xtx[(k + 1) % 3][(k + 2) % 3] * xtx[(k + 2) % 3][(k + 1) % 3]
        for k in range(3)
    ]
    return b, [m / det for m in minors]


def test_two_variables_agree_with_the_normal_equations():
    model = fit(y=ENERGY, x={"production": PRODUCTION, "hdd": HDD})
    b, inverse_diagonal = normal_equations(ENERGY, [PRODUCTION, HDD])
    assert [t.coefficient for t in model.terms] == pytest.approx(b, rel=1e-9)
    variance = math.fsum(e * e for e in model.residuals) / (12 - 3)
    assert [t.std_error for t in model.terms] == pytest.approx([math.sqrt(variance * d) for d in inverse_diagonal])
    assert model.df == 9
    assert [t.name for t in model.terms] == ["(intercept)", "production", "hdd"]
    assert model.ranges == {"production": (85, 140), "hdd": (30, 380)}


def test_a_valid_model_is_accepted():
    model = energy_baseline(energy=ENERGY, variables={"production": PRODUCTION, "hdd": HDD})
    assert model.r2 > 0.99
    assert validity_problems(model) == ()


def test_it_refuses_a_model_that_explains_too_little():
    unrelated = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13]
    with pytest.raises(BaselineRefused) as refused:
        energy_baseline(energy=unrelated, variables={"production": PRODUCTION})
    assert refused.value.reasons == (
        "R² is 0.023, below the required 0.50: the variables explain too little of the variation in energy use.",
        "Variable 'production' is not significant: p = 0.641, not below 0.10 (coefficient -0.01041, t = -0.48).",
    )
    assert str(refused.value).startswith("This model cannot be used as an energy baseline: R² is 0.023")


def test_it_refuses_a_variable_that_is_not_significant_even_when_r2_is_high():
    energy = [500 + 3 * p + 8 * n for p, n in zip(PRODUCTION, NOISE, strict=True)]
    model = fit(y=energy, x={"production": PRODUCTION, "rain": RAIN})
    assert model.r2 > 0.95
    with pytest.raises(BaselineRefused) as refused:
        require_valid(model)
    assert refused.value.reasons == (
        "Variable 'rain' is not significant: p = 0.316, not below 0.10 (coefficient 1.451, t = 1.06).",
    )


def test_the_thresholds_are_parameters():
    energy = [500 + 3 * p + 8 * n for p, n in zip(PRODUCTION, NOISE, strict=True)]
    model = fit(y=energy, x={"production": PRODUCTION, "rain": RAIN})
    assert validity_problems(model, max_p=0.5) == ()
    assert validity_problems(model, min_r2=0.99, max_p=0.5) == (
        "R² is 0.957, below the required 0.99: the variables explain too little of the variation in energy use.",
    )


def test_it_refuses_a_variable_that_is_a_combination_of_the_others():
    doubled = [2 * p for p in PRODUCTION]
    with pytest.raises(
        ValueError, match=r"^Variable 'tonnes' does not vary over the baseline period or is a combination"
    ):
        fit(y=ENERGY, x={"production": PRODUCTION, "tonnes": doubled})


def test_it_refuses_a_constant_variable():
    with pytest.raises(ValueError, match=r"^Variable 'shifts' does not vary"):
        fit(y=ENERGY, x={"shifts": [2] * 12})


def test_it_refuses_too_few_periods():
    with pytest.raises(
        ValueError,
        match=r"^A model with 2 variable\(s\) needs at least 4 periods to estimate its uncertainty; there are 3\.$",
    ):
        fit(y=ENERGY[:3], x={"production": PRODUCTION[:3], "hdd": HDD[:3]})


def test_it_refuses_variables_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"^Variable 'hdd' has 11 values but there are 12 energy values\.$"):
        fit(y=ENERGY, x={"hdd": HDD[:11]})


def test_it_refuses_energy_that_never_changes():
    with pytest.raises(ValueError, match="same in every period"):
        fit(y=[5.0] * 12, x={"hdd": HDD})


def test_a_perfect_fit_has_exact_coefficients():
    model = fit(y=[2 + 3 * h for h in HDD], x={"hdd": HDD})
    assert model.term("hdd").coefficient == pytest.approx(3)
    assert model.r2 == pytest.approx(1)
    assert model.term("hdd").p_value < 1e-12


def test_expected_actual_savings_and_cusum_in_a_reporting_period():
    model = energy_baseline(energy=ENERGY, variables={"production": PRODUCTION, "hdd": HDD})
    production, hdd = [110, 120, 100], [300, 200, 100]
    expected = [model.predict({"production": p, "hdd": h}) for p, h in zip(production, hdd, strict=True)]
    actual = [expected[0] - 10, expected[1] + 4, expected[2] - 20]
    result = compare(
        model, actual=actual, variables={"production": production, "hdd": hdd}, labels=["Jan", "Feb", "Mar"]
    )
    assert [p.label for p in result.periods] == ["Jan", "Feb", "Mar"]
    assert [p.difference for p in result.periods] == pytest.approx([-10, 4, -20])
    assert result.cusum == pytest.approx((-10, -6, -26))
    assert result.savings == pytest.approx(26)
    assert result.savings_percent == pytest.approx(100 * 26 / sum(expected))
    assert result.enpi_ratio == pytest.approx(sum(actual) / sum(expected))


def test_conditions_outside_the_baseline_range_are_named():
    model = energy_baseline(energy=ENERGY, variables={"production": PRODUCTION, "hdd": HDD})
    result = compare(model, actual=[900.0], variables={"production": [150], "hdd": [100]}, labels=["Apr"])
    assert result.warnings == (
        "Period Apr: production = 150 lies outside the baseline range 85 to 140; "
        "its expected energy is an extrapolation.",
    )


def test_a_comparison_needs_every_model_variable():
    model = energy_baseline(energy=ENERGY, variables={"production": PRODUCTION, "hdd": HDD})
    with pytest.raises(ValueError, match=r"^Variable 'hdd' needs one value for each of the 2 reporting periods\.$"):
        compare(model, actual=[900.0, 950.0], variables={"production": [100, 110]})
