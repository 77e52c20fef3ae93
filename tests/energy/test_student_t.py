"""Student's t p-values agree with closed forms and with the published t table."""

from __future__ import annotations

import math

import pytest

from ims.energy.student_t import cdf, regularized_incomplete_beta, two_sided_p


def test_two_sided_p_of_t_2_with_10_degrees_of_freedom():
    # R: 2 * pt(-2, 10) = 0.07338803
    assert two_sided_p(2.0, 10) == pytest.approx(0.07338803, abs=1e-8)


@pytest.mark.parametrize("t", [-4.0, -1.0, -0.3, 0.0, 0.5, 2.0, 12.0])
def test_one_degree_of_freedom_is_the_cauchy_distribution(t):
    assert cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, abs=1e-12)


@pytest.mark.parametrize("t", [-3.0, -0.7, 0.0, 1.2, 5.0])
def test_two_degrees_of_freedom_has_a_closed_form(t):
    assert cdf(t, 2) == pytest.approx(0.5 + t / (2 * math.sqrt(2 + t * t)), abs=1e-12)


# Critical values t(ν) for a two-sided tail area, as printed (three decimals) in standard t tables.
@pytest.mark.parametrize(
    ("t", "df", "p"),
    [(12.706, 1, 0.05), (63.657, 1, 0.01), (2.015, 5, 0.10), (2.228, 10, 0.05), (2.064, 24, 0.05), (2.750, 30, 0.01)],
)
def test_critical_values_of_the_t_table(t, df, p):
    assert two_sided_p(t, df) == pytest.approx(p, abs=5e-4 * p + 5e-5)


def test_many_degrees_of_freedom_approach_the_normal_distribution():
    assert two_sided_p(1.959964, 1e7) == pytest.approx(0.05, abs=1e-6)


def test_the_distribution_is_symmetric():
    assert cdf(-1.7, 7) == pytest.approx(1 - cdf(1.7, 7), abs=1e-14)
    assert two_sided_p(-1.7, 7) == two_sided_p(1.7, 7)
    assert two_sided_p(0.0, 7) == 1.0
    assert two_sided_p(math.inf, 7) == 0.0


@pytest.mark.parametrize(("x", "a", "b", "value"), [(0.3, 1, 1, 0.3), (0.3, 2, 1, 0.09), (0.3, 1, 3, 1 - 0.7**3)])
def test_incomplete_beta_special_cases(x, a, b, value):
    assert regularized_incomplete_beta(x, a, b) == pytest.approx(value, abs=1e-13)


def test_incomplete_beta_is_one_half_at_the_middle_of_a_symmetric_distribution():
    assert regularized_incomplete_beta(0.5, 7.3, 7.3) == pytest.approx(0.5, abs=1e-13)


def test_it_refuses_impossible_arguments():
    with pytest.raises(ValueError, match="positive degrees of freedom; got 0"):
        two_sided_p(1.0, 0)
    with pytest.raises(ValueError, match=r"0 ≤ x ≤ 1; got 1\.5"):
        regularized_incomplete_beta(1.5, 1, 1)
