"""Control chart constants agree with the published table and with their definitions."""

from __future__ import annotations

import math

import pytest

from ims.spc.constants import c4, d2, d3, factors

# Montgomery, Introduction to Statistical Quality Control, Appendix VI (3-decimal factors, c4 to 4).
PUBLISHED = {
    2: {
        "A": 2.121,
        "A2": 1.880,
        "A3": 2.659,
        "c4": 0.7979,
        "B3": 0,
        "B4": 3.267,
        "B5": 0,
        "B6": 2.606,
        "d2": 1.128,
        "D1": 0,
        "D2": 3.686,
        "D3": 0,
        "D4": 3.267,
        "E2": 2.660,
    },
    5: {
        "A": 1.342,
        "A2": 0.577,
        "A3": 1.427,
        "c4": 0.9400,
        "B3": 0,
        "B4": 2.089,
        "B5": 0,
        "B6": 1.964,
        "d2": 2.326,
        "D1": 0,
        "D2": 4.918,
        "D3": 0,
        "D4": 2.114,
    },
    7: {
        "A2": 0.419,
        "A3": 1.182,
        "c4": 0.9594,
        "B3": 0.118,
        "B4": 1.882,
        "B5": 0.113,
        "B6": 1.806,
        "d2": 2.704,
        "D1": 0.204,
        "D2": 5.204,
        "D3": 0.076,
        "D4": 1.924,
    },
    10: {
        "A2": 0.308,
        "A3": 0.975,
        "c4": 0.9727,
        "B3": 0.284,
        "B4": 1.716,
        "B5": 0.276,
        "B6": 1.669,
        "d2": 3.078,
        "D1": 0.687,
        "D2": 5.469,
        "D3": 0.223,
        "D4": 1.777,
    },
    25: {
        "A": 0.600,
        "A2": 0.153,
        "A3": 0.606,
        "c4": 0.9896,
        "B3": 0.565,
        "B4": 1.435,
        "B5": 0.559,
        "B6": 1.420,
        "d2": 3.931,
        "D1": 1.806,
        "D2": 6.056,
        "D3": 0.459,
        "D4": 1.541,
    },
}

# d3 column of the same table, three decimals.
PUBLISHED_D3 = [0.853, 0.888, 0.880, 0.864, 0.848, 0.833, 0.820, 0.808, 0.797, 0.787, 0.778, 0.770,
                0.763, 0.756, 0.750, 0.744, 0.739, 0.734, 0.729, 0.724, 0.720, 0.716, 0.712, 0.708]  # fmt: skip


@pytest.mark.parametrize("n", sorted(PUBLISHED))
def test_factors_match_the_published_table_to_its_last_digit(n):
    # Within one unit of the last printed digit, not half: the table derives its factors from
    # unrounded d2, ours from the printed 3-decimal d2 (A2 for n = 2 is 1.8806, printed 1.880).
    computed = factors(n)
    for name, value in PUBLISHED[n].items():
        digits = 4 if name == "c4" else 3
        assert getattr(computed, name) == pytest.approx(value, abs=10**-digits), name


@pytest.mark.parametrize("n", range(2, 26))
def test_d3_rounds_to_the_published_three_decimals(n):
    assert round(d3(n), 3) == pytest.approx(PUBLISHED_D3[n - 2])


def _phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def _grid(step=0.02, reach=8.0):
    return [-reach + i * step for i in range(round(2 * reach / step) + 1)]


@pytest.mark.parametrize("n", range(2, 26))
def test_d2_is_the_mean_range_of_n_standard_normal_values(n):
    # E[W] = ∫ 1 − Φ(x)ⁿ − (1 − Φ(x))ⁿ dx
    step = 0.01
    mean_range = step * math.fsum(1 - _phi(x) ** n - (1 - _phi(x)) ** n for x in _grid(step))
    assert d2(n) == pytest.approx(mean_range, abs=0.0005)


@pytest.mark.parametrize("n", [3, 5, 12, 25])
def test_d3_is_the_standard_deviation_of_that_range(n):
    # E[W²] = 2 ∫∫_{x<y} 1 − Φ(y)ⁿ − (1 − Φ(x))ⁿ + (Φ(y) − Φ(x))ⁿ dx dy (trapezoid rule on a grid)
    step = 0.04
    cdf = [_phi(x) for x in _grid(step)]
    total = 0.0
    for i, fi in enumerate(cdf):
        total += 0.5 * (1 - fi**n - (1 - fi) ** n)
        total += math.fsum(1 - fj**n - (1 - fi) ** n + (fj - fi) ** n for fj in cdf[i + 1 :])
    mean_range = step * math.fsum(1 - f**n - (1 - f) ** n for f in cdf)
    assert d3(n) == pytest.approx(math.sqrt(2 * total * step * step - mean_range**2), abs=0.0003)


def test_d3_for_pairs_has_a_closed_form():
    # For two values W = |X1 − X2| and E[W²] = 2, so d3(2) = √(2 − d2(2)²) with d2(2) = 2/√π.
    assert d3(2) == pytest.approx(math.sqrt(2 - 4 / math.pi), abs=0.00005)
    assert d2(2) == pytest.approx(2 / math.sqrt(math.pi), abs=0.0005)


def test_c4_follows_its_gamma_function_definition():
    assert c4(2) == pytest.approx(math.sqrt(2 / math.pi))
    assert c4(3) == pytest.approx(math.sqrt(math.pi) / 2)


@pytest.mark.parametrize("n", [1, 26, 0])
def test_it_refuses_subgroup_sizes_outside_the_table(n):
    with pytest.raises(ValueError, match=f"subgroup sizes 2 to 25; got {n}"):
        factors(n)
